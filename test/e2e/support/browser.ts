import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'

/** Debian's Chromium: never a downloaded browser. */
export const CHROMIUM = process.env.ATELIER_CHROMIUM ?? '/usr/bin/chromium'

export interface Browser {
  context: BrowserContext
  page: Page
  /** Console errors and page errors seen so far. */
  errors: string[]
  close(): Promise<void>
}

/** Launches headless Chromium with a fresh profile and opens one page. */
export async function openBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'atelier-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu-sandbox',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  const page = context.pages()[0] ?? (await context.newPage())
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text())
  })
  return {
    context,
    page,
    errors,
    close: async () => {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

/**
 * Opens a project through the picker, as a person would: "Open project…", the path, Enter.
 * A click that lands before the app has wired its buttons does nothing, so it is tried again.
 */
export async function openProject(page: Page, dir: string): Promise<void> {
  const path = page.getByTestId('project-path')
  for (let tries = 0; !(await path.isVisible()); tries++) {
    if (tries === 12)
      throw new Error('The project picker never opened: "Open project…" did nothing.')
    await page.getByTestId('project-open').click()
    await path.waitFor({ timeout: 5_000 }).catch(() => undefined)
  }
  await path.fill(dir)
  await path.press('Enter')
}
