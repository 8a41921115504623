import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { _electron as electron } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { REPO } from './support/web-host'

/** The Electron binary's path, or why there is none (it cannot be downloaded on every machine). */
function electronBinary(): { path: string } | { missing: string } {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown as string
    return existsSync(path) ? { path } : { missing: `no Electron binary at ${path}` }
  } catch (error) {
    return {
      missing: `the Electron binary is not installed (${(error as Error).message.split('\n')[0]})`,
    }
  }
}

describe('desktop app', () => {
  it('launches Electron, connects the engine and shows its backend', async (ctx) => {
    const binary = electronBinary()
    if ('missing' in binary) {
      console.log(`Electron launch test skipped: ${binary.missing}`)
      ctx.skip(`Electron launch test skipped: ${binary.missing}`)
      return
    }
    const app = await electron.launch({
      executablePath: binary.path,
      args: [REPO, '--no-sandbox'],
      env: { ...process.env, ELECTRON_ENABLE_LOGGING: '1' },
    })
    try {
      const window = await app.firstWindow()
      await expect
        .poll(() => window.getByTestId('engine-connection').getAttribute('data-state'), {
          timeout: 30_000,
        })
        .toBe('connected')
      expect(await window.getByTestId('engine-backend').textContent()).toContain('Backend:')
      // The renderer is sandboxed: no Node in the page.
      expect(
        await window.evaluate(() => typeof (globalThis as { require?: unknown }).require),
      ).toBe('undefined')
    } finally {
      await app.close()
    }
  }, 120_000)
})
