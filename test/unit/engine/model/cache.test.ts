import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src/main/engine/backend/select'
import { ModelCache } from '../../../../src/main/engine/model/cache'
import type { ModelConfig } from '../../../../src/main/engine/model/config'
import { publishUntrainedModel } from './support/untrained-model'

const config: ModelConfig = { kind: 'benchmark', size: 32, latent: 4, filters: 2 }
let project: string

function publish(generation: string, seed: number): Promise<void> {
  return publishUntrainedModel(project, { generation, config, seed, trainCount: 1 })
}

beforeAll(async () => {
  await selectBackend('cpu')
  project = await mkdtemp(join(tmpdir(), 'atelier-model-cache-'))
})
afterAll(async () => {
  await rm(project, { recursive: true, force: true })
})

describe('the model cache', () => {
  it('keeps the loaded model while the manifest is unchanged and follows a newly published one', async () => {
    const cache = new ModelCache()
    await expect(cache.get(project)).rejects.toThrow(/no trained model yet/)
    await publish('g000000001-aaaaaa', 1)
    const first = await cache.get(project)
    expect(await cache.get(project)).toBe(first)
    await publish('g000000002-bbbbbb', 2)
    const second = await cache.get(project)
    expect(second.manifest.generation).toBe('g000000002-bbbbbb')
    expect(second.vae).not.toBe(first.vae)
    expect(await cache.get(project)).toBe(second)
    cache.clear()
  })
})
