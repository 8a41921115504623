import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeApp, openApp } from './support/app'
import type { Browser } from './support/browser'
import type { RunningHost } from './support/web-host'

/** Fires a drag event on the page's body carrying one file, built in the page as a drag from the desktop would. */
function fire(
  browser: Browser,
  type: 'dragenter' | 'dragleave' | 'drop',
  file: { name: string; type: string },
) {
  return browser.page.evaluate(
    ({ type, file }) => {
      const transfer = new DataTransfer()
      transfer.items.add(
        new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], file.name, { type: file.type }),
      )
      document.body.dispatchEvent(
        new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }),
      )
    },
    { type, file },
  )
}

describe('drag-and-drop onto the window, in the browser', { timeout: 120_000 }, () => {
  let host: RunningHost
  let browser: Browser

  beforeAll(async () => {
    ;({ host, browser } = await openApp())
    await browser.page.getByTestId('project-open').waitFor()
  })

  afterAll(async () => {
    await closeApp({ host, browser })
  })

  it('shows what a drop does while something is dragged over the window, and hides it when the drag leaves', async () => {
    const face = { name: 'face.png', type: 'image/png' }
    const overlay = browser.page.getByTestId('drop-overlay')
    expect(await overlay.count()).toBe(0)
    await fire(browser, 'dragenter', face)
    await expect
      .poll(() => overlay.textContent())
      .toBe('Drop a folder to use its images, or an image to encode it')
    await fire(browser, 'dragleave', face)
    await expect.poll(() => overlay.count()).toBe(0)
  })

  it('says in plain words that the browser does not reveal a dropped image’s path', async () => {
    const face = { name: 'face.png', type: 'image/png' }
    await fire(browser, 'dragenter', face)
    await fire(browser, 'drop', face)
    const message = browser.page.getByTestId('drop-message')
    await expect
      .poll(() => message.textContent())
      .toContain('The browser does not tell the app where "face.png" is on disk')
    expect(await browser.page.getByTestId('drop-overlay').count()).toBe(0)
    // Nothing was encoded: the morph has no face from a file.
    expect(await browser.page.getByText("use the map's picks").count()).toBe(0)
  })

  it('names a dropped file that is not an image', async () => {
    const notes = { name: 'notes.txt', type: 'text/plain' }
    await fire(browser, 'dragenter', notes)
    await fire(browser, 'drop', notes)
    await expect
      .poll(() => browser.page.getByTestId('drop-message').textContent())
      .toContain('"notes.txt" is neither a folder nor an image')
  })
})
