import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WorkingState } from '@shared/contract'
import { closeApp, openApp } from './support/app'
import { openProject, type Browser } from './support/browser'
import { atelier } from './support/cli'
import type { RunningHost } from './support/web-host'

const COUNT = 120
/** Screenshots for people to look at, outside the repository. */
const SHOTS = process.env.ATELIER_SHOTS

/** The working state the project's atelier.json holds, if any. */
function savedState(dir: string): WorkingState | null {
  try {
    const manifest = JSON.parse(readFileSync(join(dir, 'atelier.json'), 'utf8'))
    return (manifest.workspace as WorkingState | undefined) ?? null
  } catch {
    return null
  }
}

describe('the working state, undo and project switching', { timeout: 120_000 }, () => {
  let host: RunningHost
  let browser: Browser
  let trained: string
  let untrained: string

  beforeAll(async () => {
    trained = mkdtempSync(join(tmpdir(), 'atelier-state-e2e-'))
    untrained = mkdtempSync(join(tmpdir(), 'atelier-state-e2e-other-'))
    atelier('ingest', '--demo', String(COUNT), '--size', '32', '--project', trained)
    // The tiny real model of map.test.ts.
    atelier(
      'train',
      ...['--project', trained, '--model', 'benchmark', '--size', '32', '--latent', '8'],
      ...['--filters', '8', '--epochs', '1', '--batch', '32', '--backend', 'wasm'],
    )
    atelier('ingest', '--demo', '40', '--seed', '9', '--size', '32', '--project', untrained)
    ;({ host, browser } = await openApp())
  })

  afterAll(async () => {
    await closeApp({ host, browser })
    for (const dir of [trained, untrained]) if (dir) rmSync(dir, { recursive: true, force: true })
  })

  const page = () => browser.page
  const byId = (testid: string) => browser.page.getByTestId(testid)

  async function open(dir: string): Promise<void> {
    await openProject(page(), dir)
    await expect.poll(() => byId('project-dir').textContent()).toBe(dir)
  }

  /** Clicks the `nth` point on screen and picks it as A or B. */
  async function pick(nth: number, slot: 'a' | 'b'): Promise<void> {
    const at = (await page().evaluate(
      `(() => { const m = window.__atelierMap; let seen = 0;
        for (let i = 0; i < m.count; i++) { const p = m.screenPosition(i); if (p && seen++ === ${nth}) return p }
        return null })()`,
    )) as { x: number; y: number }
    await page().mouse.click(at.x, at.y)
    await expect.poll(() => byId('selection-count').textContent()).toBe('1 selected')
    await byId(`map-pick-${slot}`).click()
  }

  const pointCount = () => byId('map-canvas').getAttribute('data-point-count')
  const sceneCount = () => page().evaluate('window.__atelierMap?.count ?? -1') as Promise<number>

  it('keeps A/B, the applied vector and the colouring in the project across a reload', async () => {
    await open(trained)
    await expect.poll(pointCount, { timeout: 30_000 }).toBe(String(COUNT))
    await pick(0, 'a')
    await pick(Math.floor(COUNT / 2), 'b')
    await expect.poll(() => byId('morph-path').textContent()).toMatch(/^A \d+ → B \d+$/)
    await byId('attribute-from-label-Smiling').click()
    await expect
      .poll(() => byId('attribute-applied').textContent(), { timeout: 30_000 })
      .toMatch(/\+ smiling 2\.0/)
    await byId('map-colour').selectOption('label:Smiling')
    const path = await byId('morph-path').textContent()
    const [a, b] = (path ?? '').match(/\d+/g)!.map(Number)
    // Saved through the engine, in the project's own atelier.json.
    await expect
      .poll(() => savedState(trained), { timeout: 10_000 })
      .toMatchObject({ a, b, applied: [{ name: 'smiling', alpha: 2 }], colour: 'label:Smiling' })

    await page().reload()
    await expect.poll(() => byId('project-dir').textContent()).toBe(trained)
    await expect.poll(() => byId('morph-path').textContent(), { timeout: 30_000 }).toBe(path)
    await expect.poll(() => byId('attribute-applied').textContent()).toMatch(/\+ smiling 2\.0/)
    await expect.poll(() => byId('map-colour').inputValue()).toBe('label:Smiling')
  })

  it('undoes the last edits with Ctrl+Z, and lists the shortcuts on ?', async () => {
    const path = await byId('morph-path').textContent()
    await page()
      .locator('body')
      .click({ position: { x: 5, y: 5 } })
    await page().keyboard.press('x')
    const swapped = path!.replace(/^A (\d+) → B (\d+)$/, 'A $2 → B $1')
    await expect.poll(() => byId('morph-path').textContent()).toBe(swapped)
    await byId('attribute-toggle-smiling').uncheck()
    await expect.poll(() => byId('attribute-applied').textContent()).toBe('no vector on')

    await page().keyboard.press('Control+z')
    await expect.poll(() => byId('attribute-applied').textContent()).toMatch(/\+ smiling 2\.0/)
    expect(await byId('morph-path').textContent()).toBe(swapped)
    await page().keyboard.press('Control+z')
    await expect.poll(() => byId('morph-path').textContent()).toBe(path)
    await page().keyboard.press('Control+Shift+z')
    await expect.poll(() => byId('morph-path').textContent()).toBe(swapped)
    await page().keyboard.press('Control+z')
    await expect.poll(() => byId('morph-path').textContent()).toBe(path)

    await page().keyboard.press('?')
    await expect.poll(() => byId('shortcut-help').textContent()).toContain('Ctrl+Z')
    await page().keyboard.press('Escape')
    await expect.poll(() => byId('shortcut-help').count()).toBe(0)
  })

  it('leaves nothing of the first project on screen after opening another', async () => {
    await byId('export-what').selectOption('face')
    await byId('export-format').selectOption('png')
    await byId('export-run').click()
    await expect.poll(() => byId('export-files').count(), { timeout: 30_000 }).toBe(1)
    await expect.poll(() => byId('training-summary').textContent()).toContain('Model: benchmark')
    expect(await sceneCount()).toBe(COUNT)
    if (SHOTS) await page().screenshot({ path: join(SHOTS, 'before-switch.png') })

    await open(untrained)
    // The new project has a dataset but no model: no map, no path, no vectors, no exports.
    await expect.poll(() => byId('training-summary').textContent()).toContain('No model yet')
    await expect.poll(() => byId('dataset-summary').textContent()).toContain('40')
    expect(await pointCount()).toBe('0')
    expect(await sceneCount()).toBe(0)
    expect(await byId('morph-path').count()).toBe(0)
    expect(await byId('attribute-applied').count()).toBe(0)
    // Its labels may offer category marks; none of the first project's vector toggles is left.
    expect(
      await byId('panel-attributes').locator('[data-testid^="attribute-toggle-"]').count(),
    ).toBe(0)
    expect(await byId('export-files').count()).toBe(0)
    expect(await byId('panel-export').textContent()).not.toContain('Recent exports')
    expect(await byId('selection-count').count()).toBe(0)
    if (SHOTS) await page().screenshot({ path: join(SHOTS, 'after-switch.png') })
    expect(savedState(untrained)?.a ?? null).toBeNull()

    // And back: the first project's working state returns with it.
    await open(trained)
    await expect.poll(pointCount, { timeout: 30_000 }).toBe(String(COUNT))
    await expect.poll(() => byId('morph-path').textContent()).toMatch(/^A \d+ → B \d+$/)
    await expect.poll(() => byId('attribute-applied').textContent()).toMatch(/\+ smiling 2\.0/)
  })
})
