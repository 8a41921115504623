import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RecipeDocument } from '@shared/contract'
import { closeApp, openApp } from './support/app'
import type { Browser } from './support/browser'
import { engineRequest } from './support/engine-socket'
import { REPO, type RunningHost } from './support/web-host'
import type { MapSeam } from '../../src/renderer/src/explorer/map-seam'

/** What MapView exposes to tests (the map's documented test seam). */
type MapHandle = MapSeam

const demo = JSON.parse(readFileSync(join(REPO, 'resources/demo/demo.json'), 'utf8')) as {
  count: number
}

/** Non-background pixels of a canvas on the page (a blank canvas has none). */
async function inkOf(browser: Browser, testid: string): Promise<number> {
  const png = await browser.page.getByTestId(testid).screenshot()
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true })
  let ink = 0
  for (let p = 0; p < data.length; p += info.channels) {
    if (data[p] + data[p + 1] + data[p + 2] > 3 * 0x40) ink++
  }
  return ink
}

/**
 * Runs in the page before the app: keeps the text of every error the app shows
 * (`.problem` or `role="alert"`) on `window.__problemsSeen`, so one that is on
 * screen for a moment is seen too.
 */
function recordProblems(): void {
  const seen: string[] = []
  ;(window as unknown as { __problemsSeen: string[] }).__problemsSeen = seen
  const look = (node: Node) => {
    if (!(node instanceof Element)) return
    for (const el of [node, ...Array.from(node.querySelectorAll('*'))]) {
      if (el.matches('.problem, [role="alert"]') && el.textContent?.trim()) {
        seen.push(el.textContent.trim())
      }
    }
  }
  new MutationObserver((changes) => {
    for (const change of changes) {
      if (change.type === 'characterData') look(change.target.parentNode as Node)
      else change.addedNodes.forEach(look)
    }
  }).observe(document, { childList: true, subtree: true, characterData: true })
}

describe('first run: the built-in demo in the browser', { timeout: 120_000 }, () => {
  let host: RunningHost
  let browser: Browser

  beforeAll(async () => {
    ;({ host, browser } = await openApp({
      beforeLoad: (page) => page.addInitScript(recordProblems),
    }))
  })

  afterAll(async () => {
    await closeApp({ host, browser })
  })

  const handle = <T>(read: (map: MapHandle) => T): Promise<T> =>
    browser.page.evaluate(`(${read.toString()})(window.__atelierMap)`) as Promise<T>

  /** Clicks the `nth` point that is on screen and picks it as A or B. */
  async function pick(nth: number, slot: 'a' | 'b'): Promise<void> {
    const at = await browser.page.evaluate(
      `(() => { const m = window.__atelierMap; let seen = 0;
        for (let i = 0; i < m.count; i++) { const p = m.screenPosition(i); if (p && seen++ === ${nth}) return p }
        return null })()`,
    )
    const point = at as { x: number; y: number }
    await browser.page.mouse.click(point.x, point.y)
    await expect
      .poll(() => browser.page.getByTestId('selection-count').textContent())
      .toBe('1 selected')
    await browser.page.getByTestId(`map-pick-${slot}`).click()
  }

  it('opens the demo project with its map, before any training', async () => {
    await expect
      .poll(() => browser.page.getByTestId('project-dir').textContent(), { timeout: 30_000 })
      .toBe(join(host.dataDir, 'demo'))
    await expect
      .poll(() => browser.page.getByTestId('map-canvas').getAttribute('data-point-count'), {
        timeout: 30_000,
      })
      .toBe(String(demo.count))
    expect(await handle((m) => m.count)).toBe(demo.count)
  })

  it('shows the demo faces being made as progress, then the grid, and never an error', async () => {
    // The first start regenerates the faces' pixels: the grid waits for them.
    await expect
      .poll(() => browser.page.getByTestId('dataset-grid').locator('canvas').count(), {
        timeout: 110_000,
      })
      .toBeGreaterThan(0)
    const problems = await browser.page.evaluate(
      () => (window as unknown as { __problemsSeen: string[] }).__problemsSeen,
    )
    expect(problems).toEqual([])
  })

  it('morphs between two points picked on the map, and scrubs', async () => {
    await pick(0, 'a')
    await pick(Math.floor(demo.count / 3), 'b')
    await expect
      .poll(() => browser.page.getByTestId('morph-path').textContent())
      .toMatch(/^A \d+ → B \d+$/)
    const [a, b] = ((await browser.page.getByTestId('morph-path').textContent()) ?? '')
      .match(/\d+/g)!
      .map(Number)
    expect(a).not.toBe(b)
    await expect
      .poll(() => browser.page.getByTestId('morph-strip').getAttribute('data-frames'), {
        timeout: 20_000,
      })
      .toBe('8')
    expect(await inkOf(browser, 'morph-strip')).toBeGreaterThan(100)
    await browser.page.getByTestId('morph-scrub').fill('0.3')
    await expect
      .poll(() => browser.page.getByTestId('morph-decode-ms').textContent(), { timeout: 20_000 })
      .toMatch(/t = 0\.30, decoded in [\d.]+ ms/)
  })

  it('applies "+ smiling" to the face, and it changes the face', async () => {
    const before = await browser.page
      .getByTestId('attribute-preview')
      .evaluate((c: HTMLCanvasElement) => c.toDataURL())
    await browser.page.getByTestId('attribute-toggle-smiling').check()
    await expect
      .poll(() => browser.page.getByTestId('attribute-applied').textContent())
      .toMatch(/\+ smiling 2\.0/)
    await expect
      .poll(
        () =>
          browser.page
            .getByTestId('attribute-preview')
            .evaluate((c: HTMLCanvasElement) => c.toDataURL()),
        { timeout: 20_000 },
      )
      .not.toBe(before)
  })

  it('keeps a chosen attribute while smiling: the edit changes, and says what it keeps', async () => {
    const before = await browser.page
      .getByTestId('attribute-preview')
      .evaluate((c: HTMLCanvasElement) => c.toDataURL())
    await browser.page.getByTestId('attribute-keep-smiling-male').check()
    await expect
      .poll(() => browser.page.getByTestId('attribute-applied').textContent())
      .toMatch(/\+ smiling 2\.0 \(keep male\)/)
    await expect
      .poll(
        () =>
          browser.page
            .getByTestId('attribute-preview')
            .evaluate((c: HTMLCanvasElement) => c.toDataURL()),
        { timeout: 20_000 },
      )
      .not.toBe(before)
    await browser.page.getByTestId('attribute-keep-smiling-male').uncheck()
    await expect
      .poll(() => browser.page.getByTestId('attribute-applied').textContent())
      .not.toMatch(/keep/)
  })

  it('exports the smiling face to disk, with its recipe inside the PNG', async () => {
    await browser.page.getByTestId('export-what').selectOption('face')
    await browser.page.getByTestId('export-format').selectOption('png')
    await browser.page.getByTestId('export-run').click()
    const files = browser.page.getByTestId('export-files').locator('code')
    await expect.poll(() => files.count(), { timeout: 30_000 }).toBe(1)
    const file = (await files.first().textContent()) ?? ''
    expect(file.startsWith(join(host.dataDir, 'demo', 'exports'))).toBe(true)
    expect(existsSync(file)).toBe(true)
    const meta = await sharp(file).metadata()
    expect([meta.width, meta.height]).toEqual([256, 256])
    const document = await engineRequest(host.origin, host.token, 'create.recipe.read', { file })
    const recipe = (document as RecipeDocument).recipe
    expect(recipe.kind).toBe('faces')
    expect(recipe.attributes).toEqual([{ name: 'smiling', alpha: 2 }])
    expect((document as RecipeDocument).resolved.vectors[0].name).toBe('smiling')
  })
})
