import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeApp, openApp } from './support/app'
import type { Browser } from './support/browser'
import { engineRequest, socketAccepted } from './support/engine-socket'
import type { RunningHost } from './support/web-host'

describe('browser host with the real engine', { timeout: 60_000 }, () => {
  let host: RunningHost
  let browser: Browser

  beforeAll(async () => {
    ;({ host, browser } = await openApp({ load: false }))
  })

  afterAll(async () => {
    await closeApp({ host, browser })
  })

  it('loads the page with the token and shows the backend the engine reported', async () => {
    const info = await engineRequest(host.origin, host.token, 'info', {})
    await browser.page.goto(host.url)
    const backend = browser.page.getByTestId('engine-backend')
    await expect
      .poll(() => backend.getAttribute('data-backend'), { timeout: 20_000 })
      .toBe(info.backend)
    await expect.poll(() => backend.textContent()).toContain(`Backend: ${info.backend}`)
    expect(await browser.page.getByTestId('engine-connection').getAttribute('data-state')).toBe(
      'connected',
    )
    expect(browser.errors).toEqual([])
  })

  it('refuses requests and sockets without the right token', async () => {
    expect((await fetch(`${host.origin}/`)).status).toBe(401)
    expect((await fetch(`${host.origin}/?token=wrong`)).status).toBe(401)
    const page = await fetch(`${host.origin}/?token=${host.token}`)
    expect(page.status).toBe(200)
    // The page's assets are refused too without the token (query or cookie).
    const asset = /src="\.?(\/assets\/[^"]+\.js)"/.exec(await page.text())?.[1]
    expect(asset).toBeTruthy()
    expect((await fetch(`${host.origin}${asset}`)).status).toBe(401)
    expect((await fetch(`${host.origin}${asset}?token=${host.token}`)).status).toBe(200)
    const socket = `${host.origin.replace('http', 'ws')}/engine`
    expect(await socketAccepted(socket)).toBe(false)
    expect(await socketAccepted(`${socket}?token=wrong`)).toBe(false)
    expect(
      await socketAccepted(`${socket}?token=${host.token}`, { Origin: 'http://evil.example' }),
    ).toBe(false)
    expect(await socketAccepted(`${socket}?token=${host.token}`)).toBe(true)
  })

  it('says so when the engine dies, and the host restarts it', async () => {
    const before = await engineRequest(host.origin, host.token, 'info', {})
    const connection = browser.page.getByTestId('engine-connection')
    await expect.poll(() => connection.getAttribute('data-state')).toBe('connected')
    process.kill(before.pid, 'SIGKILL')
    // Requests that reach the host before it hears of the exit fail to write to the dead engine;
    // the problem shown must still be the signal, not that write's EPIPE.
    const late = Array.from({ length: 5 }, () =>
      engineRequest(host.origin, host.token, 'ping', {}).catch((error: Error) => error),
    )
    await expect
      .poll(() => connection.getAttribute('data-state'), { timeout: 10_000 })
      .toBe('restarting')
    await expect.poll(() => connection.textContent()).toContain('restarting')
    await expect
      .poll(() => browser.page.getByTestId('engine-problem').textContent())
      .toContain('SIGKILL')
    await expect
      .poll(() => connection.getAttribute('data-state'), { timeout: 30_000 })
      .toBe('connected')
    await Promise.all(late)
    const after = await engineRequest(host.origin, host.token, 'info', {})
    expect(after.pid).not.toBe(before.pid)
    await expect
      .poll(() => browser.page.getByTestId('engine-pid').textContent())
      .toBe(`pid ${after.pid}`)
  })
})
