import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EventMessage } from '@shared/protocol'
import { selectBackend } from '../../../../src/main/engine/backend/select'
import { Engine } from '../../../../src/main/engine/engine'
import { removeProject, tinyProject } from './fixtures'

let engine: Engine
let dir: string
const events: EventMessage[] = []

beforeAll(async () => {
  engine = new Engine(await selectBackend('cpu'))
  engine.connect((message) => {
    if (message.kind === 'event') events.push(message)
  })
  dir = await tinyProject(12)
})
afterAll(async () => {
  await removeProject(dir)
})

const small = { latent: 4, filters: 4, batch: 4, seed: 1 } as const

describe('training through the engine', () => {
  it('trains as a job, with progress and preview events, and publishes a model', async () => {
    const job = await engine.call('train.start', { project: dir, epochs: 2, ...small })
    expect(job).toMatchObject({ kind: 'train', state: 'running' })
    await expect(
      engine.call('train.start', { project: dir, epochs: 2, ...small }),
    ).rejects.toMatchObject({ code: 'conflict' })
    const done = await engine.ctx.jobs.settled(job)
    expect(done.state).toBe('done')
    expect(done.result).toMatchObject({ epochsDone: 2, backend: 'cpu' })

    const progress = events.filter((e) => e.name === 'train.progress')
    expect(progress.length).toBeGreaterThan(0)
    expect(progress.at(-1)?.payload).toMatchObject({ jobId: job.id, project: dir, epochs: 2 })
    const preview = events.find((e) => e.name === 'train.preview')?.payload as
      | { originals: Uint8Array; reconstructions: Uint8Array; count: number; size: number }
      | undefined
    expect(preview?.size).toBe(32)
    expect(preview?.originals).toBeInstanceOf(Uint8Array)
    expect(preview?.reconstructions.length).toBe((preview?.count ?? 0) * 32 * 32 * 3)

    const status = await engine.call('train.status', { project: dir })
    expect(status.model).toMatchObject({ epochsDone: 2, trainCount: 11, holdout: 1 })
    expect(status.checkpoint).toMatchObject({ epoch: 2, complete: true })
    expect(status.checkpoint?.history).toHaveLength(2)
    expect(status.job).toBeNull()
  })

  it('stops a training with a checkpoint of its current step when the engine is told to exit', async () => {
    const other = await tinyProject(12)
    try {
      const job = await engine.call('train.start', {
        project: other,
        epochs: 1000,
        checkpointMinutes: 60,
        ...small,
      })
      const lastStep = () => {
        const p = events.findLast((e) => e.name === 'train.progress')?.payload as
          { jobId: string; step: number } | undefined
        return p?.jobId === job.id ? p.step : 0
      }
      await expect.poll(lastStep, { timeout: 30_000 }).toBeGreaterThanOrEqual(2)
      const before = lastStep()
      await engine.stopTraining()
      expect(engine.ctx.jobs.get(job.id).state).toBe('cancelled')
      // The checkpoint has every step reported before the stop (none of them dropped).
      const status = await engine.call('train.status', { project: other })
      expect(status.checkpoint?.step).toBeGreaterThanOrEqual(before)
      expect(status.model?.steps).toBe(status.checkpoint?.step)
    } finally {
      await engine.stopTraining()
      await removeProject(other)
    }
  })

  it('decodes latents to RGB images and encodes dataset images to mu and logVar', async () => {
    const decoded = await engine.call('model.decode', {
      project: dir,
      latents: new Float32Array(3 * 4).fill(0.5),
    })
    expect(decoded).toMatchObject({ size: 32, count: 3 })
    expect(decoded.images.length).toBe(3 * 32 * 32 * 3)
    const encoded = await engine.call('model.encode', { project: dir, indices: [0, 5] })
    expect(encoded).toMatchObject({ count: 2, latent: 4 })
    expect(encoded.mu).toBeInstanceOf(Float32Array)
    expect(encoded.logVar.length).toBe(8)
    await expect(
      engine.call('model.decode', { project: dir, latents: new Float32Array(5) }),
    ).rejects.toThrow(/4 latent dimensions/)
    await expect(engine.call('model.encode', { project: dir, indices: [12] })).rejects.toThrow(
      /not in the dataset/,
    )
  })

  it('evaluates on the held-out images', async () => {
    const figures = await engine.call('model.evaluate', { project: dir })
    expect(figures.count).toBe(1)
    expect(figures.msePerPixel).toBeGreaterThan(0)
    expect(figures.msePerPixel).toBeLessThan(1)
    expect(figures.kl).toBeGreaterThanOrEqual(0)
    expect(figures.elbo).toBeCloseTo(-(figures.reconstruction + figures.kl), 3)
  })

  it('refuses absurd settings with a clear error', async () => {
    await expect(engine.call('train.start', { project: dir, epochs: 1e9 })).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringMatching(/epochs/),
    })
    await expect(
      engine.call('train.start', { project: dir, learningRate: -1 }),
    ).rejects.toMatchObject({ code: 'bad_request' })
    await expect(engine.call('train.start', { project: dir, epochs: 2 })).rejects.toThrow(
      /already has 2 epochs/,
    )
    await expect(
      engine.call('model.decode', { project: '/nowhere', latents: new Float32Array(4) }),
    ).rejects.toMatchObject({
      code: 'not_found',
    })
  })
})
