import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeApp, openApp } from './support/app'
import type { Browser } from './support/browser'
import { atelier } from './support/cli'
import type { RunningHost } from './support/web-host'
import type { MapSeam } from '../../src/renderer/src/explorer/map-seam'

/** What MapView exposes to tests (the map's documented test seam). */
type MapHandle = MapSeam

const COUNT = 160

describe('the 3D map in the browser, with a real tiny model', { timeout: 60_000 }, () => {
  let host: RunningHost
  let browser: Browser
  let projectDir: string

  beforeAll(async () => {
    projectDir = mkdtempSync(join(tmpdir(), 'atelier-map-e2e-'))
    // A tiny real model: demo faces at 32 px, one epoch of a small benchmark-shaped VAE.
    atelier('ingest', '--demo', String(COUNT), '--size', '32', '--project', projectDir)
    atelier(
      'train',
      '--project',
      projectDir,
      '--model',
      'benchmark',
      '--size',
      '32',
      '--latent',
      '8',
      '--filters',
      '8',
      '--epochs',
      '1',
      '--batch',
      '32',
      '--backend',
      'wasm',
    )
    ;({ host, browser } = await openApp({ project: projectDir }))
  })

  afterAll(async () => {
    await closeApp({ host, browser })
    if (projectDir) rmSync(projectDir, { recursive: true, force: true })
  })

  const handle = <T>(read: (map: MapHandle) => T): Promise<T> =>
    browser.page.evaluate(`(${read.toString()})(window.__atelierMap)`) as Promise<T>

  it('draws every point: the canvas is not blank and the UI reports the count', async () => {
    const stage = browser.page.getByTestId('map-canvas')
    await expect
      .poll(() => stage.getAttribute('data-point-count'), { timeout: 30_000 })
      .toBe(String(COUNT))
    await expect
      .poll(() => browser.page.getByTestId('map-point-count').textContent())
      .toBe(`${COUNT} points`)
    expect(await handle((m) => m.count)).toBe(COUNT)
    const png = await stage.locator('canvas').screenshot()
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true })
    let lit = 0
    for (let p = 0; p < data.length; p += info.channels) {
      // The background is #111114; points are bright colours.
      if (data[p] + data[p + 1] + data[p + 2] > 3 * 0x30) lit++
    }
    expect(lit).toBeGreaterThan(COUNT)
    await expect
      .poll(() => browser.page.getByTestId('map-neighbourhood').textContent())
      .toMatch(/keeps \d+% of neighbours/)
  })

  it('renders only when something changes', async () => {
    const before = await handle((m) => m.frames)
    await browser.page.waitForTimeout(600)
    expect(await handle((m) => m.frames)).toBe(before)
  })

  it('shows the thumbnail, file name and labels of the point under the mouse', async () => {
    const at = await handle((m) => {
      for (let i = 0; i < m.count; i++) {
        const p = m.screenPosition(i)
        if (p) return p
      }
      return null
    })
    expect(at).not.toBeNull()
    await browser.page.mouse.move(at!.x, at!.y)
    const thumb = browser.page.getByTestId('hover-thumbnail')
    await expect.poll(() => thumb.getAttribute('data-loaded'), { timeout: 10_000 }).toBe('true')
    const index = Number(await thumb.getAttribute('data-index'))
    // The canvas holds that image's own pixels, as the engine serves them.
    const shown = await thumb.evaluate((canvas: HTMLCanvasElement) =>
      Array.from(canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data),
    )
    // The dataset's own pixels of that image (RGB, 32 x 32), straight from the project's file.
    const bytes = 32 * 32 * 3
    const rgb = readFileSync(join(projectDir, 'dataset', 'pixels.u8')).subarray(
      index * bytes,
      (index + 1) * bytes,
    )
    const expected: number[] = []
    for (let p = 0; p < rgb.length; p += 3) expected.push(rgb[p], rgb[p + 1], rgb[p + 2], 255)
    expect(shown).toEqual(expected)
    expect(await browser.page.getByTestId('hover-file').textContent()).toMatch(/\S/)
  })

  it('adds the points inside a shift-drag box to the selection and reports the count', async () => {
    const box = await browser.page.getByTestId('map-canvas').boundingBox()
    expect(box).not.toBeNull()
    const x0 = box!.x + box!.width * 0.25
    const y0 = box!.y + box!.height * 0.25
    const x1 = box!.x + box!.width * 0.75
    const y1 = box!.y + box!.height * 0.75
    const inside = await browser.page.evaluate(
      ([a, b, c, d]) => {
        const map = (window as unknown as { __atelierMap: MapHandle }).__atelierMap
        let n = 0
        for (let i = 0; i < map.count; i++) {
          const p = map.screenPosition(i)
          if (p && p.x >= a && p.x <= c && p.y >= b && p.y <= d) n++
        }
        return n
      },
      [x0, y0, x1, y1],
    )
    expect(inside).toBeGreaterThan(0)
    await browser.page.keyboard.down('Shift')
    await browser.page.mouse.move(x0, y0)
    await browser.page.mouse.down()
    await browser.page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, { steps: 3 })
    await browser.page.mouse.move(x1, y1, { steps: 3 })
    await browser.page.mouse.up()
    await browser.page.keyboard.up('Shift')
    await expect
      .poll(() => browser.page.getByTestId('selection-count').textContent())
      .toBe(`${inside} selected`)
  })

  it('moves the points when the projection changes', async () => {
    const before = await handle((m) => [0, 1, 2, 3].map((i) => m.position(i)))
    await browser.page.getByTestId('map-projection').selectOption('umap')
    await expect
      .poll(() => browser.page.getByTestId('map-canvas').getAttribute('data-projection'), {
        timeout: 40_000,
      })
      .toBe('umap-s1')
    const after = await handle((m) => [0, 1, 2, 3].map((i) => m.position(i)))
    expect(after).not.toEqual(before)
    expect(await browser.page.getByTestId('map-point-count').textContent()).toBe(`${COUNT} points`)
    expect(browser.errors).toEqual([])
  })
})
