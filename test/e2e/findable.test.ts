import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pastedPhoto } from '../unit/engine/data/support/pasted-faces'
import { closeApp, openApp } from './support/app'
import type { Browser } from './support/browser'
import { engineRequest } from './support/engine-socket'
import type { RunningHost } from './support/web-host'

const CELEBA = resolve(__dirname, '../../../shared/data/celeba-8k/images')

/** Non-background pixels of an element on the page (a blank canvas has none). */
async function inkOf(browser: Browser, selector: string): Promise<number> {
  const png = await browser.page.locator(selector).first().screenshot()
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true })
  let ink = 0
  for (let p = 0; p < data.length; p += info.channels) {
    if (data[p] + data[p + 1] + data[p + 2] > 3 * 0x40) ink++
  }
  return ink
}

/** Fetches a same-origin address from the page, as a click on a download link would. */
function fetchFromPage(
  browser: Browser,
  href: string,
): Promise<{ status: number; type: string | null; bytes: number[] }> {
  return browser.page.evaluate(async (url) => {
    const reply = await fetch(url)
    const bytes = Array.from(new Uint8Array(await reply.arrayBuffer()).slice(0, 8))
    return { status: reply.status, type: reply.headers.get('content-type'), bytes }
  }, href)
}

describe(
  'findable: the Generate panel, export downloads, the browser folder picker',
  { timeout: 120_000 },
  () => {
    let host: RunningHost
    let browser: Browser
    let home: string
    let outside: string

    beforeAll(async () => {
      // The engine's home folder, with a symlink that leads out of it.
      home = realpathSync(mkdtempSync(join(tmpdir(), 'atelier-home-')))
      outside = realpathSync(mkdtempSync(join(tmpdir(), 'atelier-outside-')))
      mkdirSync(join(home, 'Pictures', 'portraits'), { recursive: true })
      mkdirSync(join(home, 'Projects'))
      symlinkSync(outside, join(home, 'escape'))
      ;({ host, browser } = await openApp({ host: { env: { HOME: home } } }))
    })

    afterAll(async () => {
      await closeApp({ host, browser })
      for (const dir of [home, outside]) if (dir) rmSync(dir, { recursive: true, force: true })
    })

    it('generates new faces in its own panel, and keeps one as a favourite thumbnail', async () => {
      await expect
        .poll(() => browser.page.getByTestId('project-dir').textContent(), { timeout: 30_000 })
        .toBe(join(host.dataDir, 'demo'))
      const panel = browser.page.getByTestId('panel-generate')
      await expect.poll(() => panel.getByText('None yet').count()).toBe(1)
      await browser.page.getByTestId('generate-run').click()
      const faces = browser.page.getByTestId('generate-faces')
      await expect.poll(() => faces.getAttribute('data-frames'), { timeout: 20_000 }).toBe('12')
      expect(await inkOf(browser, '[data-testid="generate-faces"] canvas')).toBeGreaterThan(100)

      await browser.page.getByTestId('generate-keep').nth(2).click()
      await expect
        .poll(() => browser.page.getByTestId('favourite').count(), { timeout: 20_000 })
        .toBe(1)
      expect(await browser.page.getByTestId('generate-keep').nth(2).textContent()).toBe('★ Kept')
      expect(await inkOf(browser, '[data-testid="favourite"] canvas')).toBeGreaterThan(20)
      const kept = await engineRequest(host.origin, host.token, 'create.favourites.list', {
        project: join(host.dataDir, 'demo'),
      })
      expect(kept.map((f) => f.name)).toEqual(['new face #3, seed 1'])
    })

    it('exports the generated faces and offers the file as a download, and nothing else', async () => {
      await browser.page.getByTestId('export-what').selectOption('generated')
      await browser.page.getByTestId('export-format').selectOption('sheet')
      await browser.page.getByTestId('export-run').click()
      const link = browser.page.getByTestId('export-files').getByTestId('export-download')
      await expect.poll(() => link.count(), { timeout: 30_000 }).toBe(1)
      const download = await fetchFromPage(browser, (await link.getAttribute('href')) ?? '')
      expect(download.status).toBe(200)
      expect(download.type).toBe('image/png')
      expect(download.bytes).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
      const manifest = new URLSearchParams({
        project: join(host.dataDir, 'demo'),
        file: join(host.dataDir, 'demo', 'atelier.json'),
      })
      expect((await fetchFromPage(browser, `/export-file?${manifest.toString()}`)).status).toBe(404)
    })

    it('browses folders under home to open a project, and never shows the way out', async () => {
      await browser.page.getByTestId('project-open').click()
      await browser.page.getByTestId('project-browse').click()
      const dialog = browser.page.getByTestId('folder-browser')
      await expect.poll(() => dialog.isVisible()).toBe(true)
      await expect.poll(() => browser.page.getByTestId('folder-current').textContent()).toBe(home)
      const names = await browser.page
        .getByTestId('folder-list')
        .locator('button')
        .allTextContents()
      expect(names).toEqual(['Pictures/', 'Projects/'])

      await browser.page.getByTestId('folder-Pictures').click()
      await browser.page.getByTestId('folder-portraits').click()
      await expect
        .poll(() => browser.page.getByTestId('folder-current').textContent())
        .toBe(join(home, 'Pictures', 'portraits'))
      await browser.page.getByTestId('folder-choose').click()
      await expect.poll(() => dialog.isVisible()).toBe(false)
      expect(await browser.page.getByTestId('project-path').inputValue()).toBe(
        join(home, 'Pictures', 'portraits'),
      )
      await browser.page.getByTestId('project-path').press('Enter')
      await expect
        .poll(() => browser.page.getByTestId('project-dir').textContent())
        .toBe(join(home, 'Pictures', 'portraits'))
      // A new project's empty map says which panel to use, not which command to type.
      await expect
        .poll(() => browser.page.getByTestId('map-error').textContent(), { timeout: 20_000 })
        .toMatch(/In the Dataset panel on the left/)
      await browser.page.getByTestId('generate-run').click()
      const problem = browser.page.getByTestId('panel-generate').getByRole('alert')
      await expect.poll(() => problem.textContent(), { timeout: 20_000 }).toMatch(/Start training/)
    })

    it('refuses to list a folder outside home, by path or through a symlink', async () => {
      for (const dir of [outside, join(home, 'escape'), join(home, '..')]) {
        await expect(
          engineRequest(host.origin, host.token, 'folders.list', { dir }),
        ).rejects.toThrow(/outside your home folder/)
      }
    })

    it.skipIf(!existsSync(CELEBA))(
      'chooses the face crop for a folder of faces, and keeps the centre crop for one without',
      async () => {
        const faces = join(home, 'Pictures', 'people')
        const plain = join(home, 'Pictures', 'colours')
        mkdirSync(faces)
        mkdirSync(plain)
        for (const file of ['000021.jpg', '000022.jpg', '000023.jpg']) {
          await sharp(join(CELEBA, file)).toFile(join(faces, file))
        }
        for (const [i, background] of ['#d04030', '#3050c0', '#f0e0a0'].entries()) {
          await sharp({ create: { width: 120, height: 120, channels: 3, background } })
            .png()
            .toFile(join(plain, `plain-${i}.png`))
        }
        const folder = browser.page.getByTestId('ingest-folder')
        const crop = browser.page.getByTestId('ingest-crop')
        const note = browser.page.getByTestId('face-probe')
        await folder.fill(faces)
        await folder.press('Tab')
        await expect.poll(() => note.textContent(), { timeout: 30_000 }).toMatch(/3 of the first 3/)
        expect(await crop.inputValue()).toBe('face')
        await folder.fill(plain)
        await folder.press('Tab')
        await expect.poll(() => note.textContent(), { timeout: 30_000 }).toMatch(/0 of the first 3/)
        expect(await crop.inputValue()).toBe('center')
      },
    )

    it.skipIf(!existsSync(CELEBA))(
      'ingests every face of a group photo, and the hover card boxes the face on the photo',
      async () => {
        const group = join(home, 'Pictures', 'group')
        mkdirSync(group)
        await sharp(
          await pastedPhoto(
            [
              { file: '000021.jpg', scale: 1.5, tilt: 8, left: 12, top: 60 },
              { file: '000022.jpg', scale: 1.1, tilt: -6, left: 230, top: 100 },
            ],
            400,
            320,
          ),
        ).toFile(join(group, 'pair.png'))
        const folder = browser.page.getByTestId('ingest-folder')
        await folder.fill(group)
        await folder.press('Tab')
        await expect
          .poll(() => browser.page.getByTestId('face-probe').textContent(), { timeout: 30_000 })
          .toMatch(/1 of the first 1/)
        await browser.page.getByTestId('ingest-faces').selectOption('all')
        await browser.page.getByTestId('ingest-start').click()
        const thumbs = browser.page.getByTestId('dataset-thumb')
        await expect.poll(() => thumbs.count(), { timeout: 60_000 }).toBe(2)
        expect(await browser.page.getByTestId('dataset-summary').textContent()).toMatch(
          /face crop, every face/,
        )

        await thumbs.nth(1).hover()
        const card = browser.page.getByTestId('grid-hover-card')
        const photo = card.getByTestId('face-source-photo')
        await expect.poll(() => photo.getAttribute('data-index'), { timeout: 20_000 }).toBe('1')
        expect(await photo.getAttribute('aria-label')).toMatch(/pair\.png/)
        // The copy is the whole photo, downscaled (400 x 320 -> 256 x 205), with the box drawn.
        expect(await photo.evaluate((c: HTMLCanvasElement) => [c.width, c.height])).toEqual([
          256, 205,
        ])
        const shots = process.env.ATELIER_SHOTS
        if (shots) await card.screenshot({ path: join(shots, 'grid-hover-card.png') })
        const boxed = await photo.evaluate((c: HTMLCanvasElement) => {
          const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height)
          let blue = 0
          for (let p = 0; p < data.length; p += 4) {
            // The box's blue (#7aa2f7, blended at its edges); the photo holds none.
            if (data[p + 2] > 180 && data[p + 2] - data[p] > 60) blue++
          }
          return blue
        })
        expect(boxed).toBeGreaterThan(100)
      },
    )
  },
)
