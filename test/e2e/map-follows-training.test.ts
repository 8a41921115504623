import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ParamsOf, RequestName } from '@shared/contract'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeApp, openApp } from './support/app'
import type { Browser } from './support/browser'
import { atelier } from './support/cli'
import { engineRequest } from './support/engine-socket'
import type { RunningHost } from './support/web-host'

const COUNT = 160

describe('the map follows a project’s first training', { timeout: 120_000 }, () => {
  let host: RunningHost
  let browser: Browser
  let projectDir: string

  beforeAll(async () => {
    projectDir = mkdtempSync(join(tmpdir(), 'atelier-follow-e2e-'))
    // A dataset and no model: the map has nothing to show until training publishes one.
    atelier('ingest', '--demo', String(COUNT), '--size', '32', '--project', projectDir)
    ;({ host, browser } = await openApp({ project: projectDir }))
  })

  afterAll(async () => {
    await closeApp({ host, browser })
    if (projectDir) rmSync(projectDir, { recursive: true, force: true })
  })

  const request = <N extends RequestName>(name: N, params: ParamsOf<N>) =>
    engineRequest(host.origin, host.token, name, params)

  it('shows the points while the training is still running, and keeps them after a stop', async () => {
    const stage = browser.page.getByTestId('map-canvas')
    await expect
      .poll(() => browser.page.getByTestId('map-error').count(), { timeout: 30_000 })
      .toBe(1)
    expect(await stage.getAttribute('data-point-count')).not.toBe(String(COUNT))

    // Far more epochs than the test waits for, with a checkpoint every 3 s.
    const job = await request('train.start', {
      project: projectDir,
      model: 'benchmark',
      latent: 8,
      filters: 8,
      epochs: 10_000,
      batch: 32,
      checkpointMinutes: 0.05,
    })
    await expect
      .poll(() => stage.getAttribute('data-point-count'), { timeout: 90_000 })
      .toBe(String(COUNT))
    expect((await request('jobs.get', { id: job.id })).state).toBe('running')

    await request('jobs.cancel', { id: job.id })
    await expect
      .poll(async () => (await request('jobs.get', { id: job.id })).state, { timeout: 30_000 })
      .toBe('cancelled')
    expect(await stage.getAttribute('data-point-count')).toBe(String(COUNT))
    expect(browser.errors).toEqual([])
  })
})
