import type { Page } from 'playwright-core'
import { openBrowser, openProject, type Browser } from './browser'
import { startHost, type RunningHost } from './web-host'

/** The real browser host with a Chromium page on it: what each end-to-end file starts with. */
export interface App {
  host: RunningHost
  browser: Browser
}

export interface AppOptions {
  /** How the host starts (`startHost`'s options). */
  host?: Parameters<typeof startHost>[0]
  /** Runs on the page before it loads the app (init scripts). */
  beforeLoad?: (page: Page) => Promise<unknown>
  /** False leaves the page blank, for a test that loads it itself. */
  load?: boolean
  /** A project folder to open through the picker once the app is loaded. */
  project?: string
}

/** Starts the host, opens the browser, loads the app and opens `project`; undone on failure. */
export async function openApp(options: AppOptions = {}): Promise<App> {
  const host = await startHost(options.host)
  let browser: Browser | undefined
  try {
    browser = await openBrowser()
    await options.beforeLoad?.(browser.page)
    if (options.load !== false) await browser.page.goto(host.url)
    if (options.project) await openProject(browser.page, options.project)
    return { host, browser }
  } catch (error) {
    await closeApp({ host, browser })
    throw error
  }
}

/** Closes the browser, then stops the host and its engine: each only if it was opened. */
export async function closeApp(app: Partial<App>): Promise<void> {
  await app.browser?.close()
  await app.host?.stop()
}
