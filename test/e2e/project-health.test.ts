import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeApp, openApp } from './support/app'
import { openProject, type Browser } from './support/browser'
import { atelier } from './support/cli'
import type { RunningHost } from './support/web-host'

describe('a damaged project opens with a banner and a Repair button', { timeout: 120_000 }, () => {
  let host: RunningHost
  let browser: Browser
  let projectDir: string

  beforeAll(async () => {
    projectDir = mkdtempSync(join(tmpdir(), 'atelier-health-e2e-'))
    atelier('ingest', '--demo', '12', '--size', '32', '--project', projectDir)
    // A manifest cut in half, as a hand edit or a bad copy would leave it.
    const manifest = join(projectDir, 'atelier.json')
    writeFileSync(manifest, readFileSync(manifest, 'utf8').slice(0, 40))
    ;({ host, browser } = await openApp())
  })

  afterAll(async () => {
    await closeApp({ host, browser })
    if (projectDir) rmSync(projectDir, { recursive: true, force: true })
  })

  it('says what is damaged, repairs it on a click, and keeps the panels on screen', async () => {
    const page = browser.page
    await openProject(page, projectDir)
    const banner = page.getByTestId('project-health')
    await expect
      .poll(() => banner.getAttribute('data-consistent'), { timeout: 30_000 })
      .toBe('false')
    expect(await banner.textContent()).toContain('atelier.json is damaged')
    expect(await page.getByTestId('map-canvas').count()).toBe(1)
    await page.getByTestId('project-repair').click()
    await expect
      .poll(() => banner.getAttribute('data-consistent'), { timeout: 30_000 })
      .toBe('true')
    expect(await banner.textContent()).toContain('Repaired.')
    expect(JSON.parse(readFileSync(join(projectDir, 'atelier.json'), 'utf8')).dataset.count).toBe(
      12,
    )
  })
})
