import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PayloadOf } from '@shared/contract'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src/main/engine/backend/select'
import { writeDataset } from '../../../../src/main/engine/data/store'
import { Engine } from '../../../../src/main/engine/engine'
import { mapHandlersFor } from '../../../../src/main/engine/handlers/map'
import type { Handlers } from '../../../../src/main/engine/handlers/types'
import { testModel, tinyDataset } from './support/tiny-project'

describe('the map handlers', () => {
  let dir: string
  const model = testModel()

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'atelier-map-handlers-'))
    await writeDataset(dir, tinyDataset())
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('encode and project as jobs, and tell clients the map changed', async () => {
    // The map's handlers alone: the engine looks handlers up by name.
    const engine = new Engine(await selectBackend('cpu'), mapHandlersFor(model) as Handlers)
    const updates: string[] = []
    engine.connect((message) => {
      if (message.kind === 'event' && message.name === 'map.updated') {
        updates.push((message.payload as PayloadOf<'map.updated'>).key)
      }
    })
    const job = await engine.call('map.project', {
      project: dir,
      spec: { method: 'umap', seed: 2 },
    })
    expect(job.kind).toBe('project')
    const done = await engine.ctx.jobs.settled(job)
    expect(done.state).toBe('done')
    expect(done.result).toMatchObject({ key: 'umap-s2', computed: true, encoded: true, count: 24 })
    expect(updates).toEqual(['umap-s2'])

    const status = await engine.call('map.status', { project: dir })
    expect(status.latents).toMatchObject({ count: 24, dim: 4, stale: false })
  })

  it('answers bad parameters with a clear error', async () => {
    const engine = new Engine(await selectBackend('cpu'), mapHandlersFor(model) as Handlers)
    await expect(
      engine.call('map.project', { project: 'relative/dir', spec: { method: 'pca' } }),
    ).rejects.toThrow(/absolute path/)
    await expect(
      engine.call('map.thumbnails', { project: dir, indices: new Array(5000).fill(0) }),
    ).rejects.toThrow(/Bad parameters/)
    await expect(
      engine.call('map.project', { project: dir, spec: { method: 'dims', dims: [0, 1, 5000] } }),
    ).rejects.toThrow(/Bad parameters/)
  })
})
