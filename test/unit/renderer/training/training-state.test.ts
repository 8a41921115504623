import { describe, expect, it, vi } from 'vitest'
import type { FollowOptions, Run } from '@shared/client'
import type { Job, TrainStatus } from '@shared/contract'

/** The engine store, played by the test. */
const engine = vi.hoisted(() => ({
  requests: [] as { name: string; params: unknown }[],
  runs: [] as { name: string; params: unknown; options?: FollowOptions<unknown> }[],
  status: null as unknown,
  finish: (_job: Job) => {},
}))
vi.mock('../../../../src/renderer/src/engine/engine.svelte', () => ({
  engine: {
    on: () => () => {},
    request: async (name: string, params: unknown) => {
      engine.requests.push({ name, params })
      if (name === 'train.status') return engine.status
      if (name === 'jobs.pause') return { ...job('paused', 5) }
      throw new Error(`unexpected ${name}`)
    },
    run: (name: string, params: unknown, options?: FollowOptions<unknown>): Run<unknown> => {
      engine.runs.push({ name, params, options })
      return {
        job: Promise.resolve(job('running', 1)),
        done: new Promise((resolve) => (engine.finish = resolve)),
      }
    },
    follow: () => new Promise(() => {}),
  },
}))
const { TrainingState } = await import('../../../../src/renderer/src/training/training.svelte')

function job(state: Job['state'], updatedAt: number): Job {
  const at = { createdAt: 0, updatedAt, progress: null, message: state, error: null }
  return { id: 'train-1', kind: 'train', title: 'Training', state, ...at }
}

const status = (history: number[]): TrainStatus => ({
  project: '/p',
  model: null,
  job: null,
  checkpoint: {
    epoch: history.length,
    epochs: 4,
    step: history.length * 10,
    stepsPerEpoch: 10,
    complete: false,
    savedAt: '',
    learningRate: 1e-3,
    batch: 64,
    warmupEpochs: 0,
    history: history.map((loss, epoch) => ({
      step: epoch * 10,
      epoch,
      loss,
      reconstruction: loss,
      kl: 0,
    })),
  },
})

describe('TrainingState', () => {
  it('seeds the loss curve from the checkpoint, resumes with only epochs, and refreshes at the end', async () => {
    engine.status = status([400, 300])
    const training = new TrainingState('/p')
    await vi.waitFor(() => expect(training.status).not.toBeNull())
    expect(training.loss.map((p) => p.value)).toEqual([400, 300])

    const form = {
      model: 'default',
      epochs: 6,
      latent: 64,
      beta: 1,
      loss: 'sigma',
      restart: false,
    } as const
    await training.start(form)
    expect(engine.runs.at(-1)).toMatchObject({
      name: 'train.start',
      params: { project: '/p', epochs: 6 },
    })
    expect(Object.keys(engine.runs.at(-1)!.params as object)).toEqual(['project', 'epochs'])
    expect(training.running).toBe(true)

    await training.pause()
    expect(training.job?.state).toBe('paused')

    const asked = engine.requests.filter((r) => r.name === 'train.status').length
    engine.finish(job('done', 9))
    await vi.waitFor(() =>
      expect(engine.requests.filter((r) => r.name === 'train.status').length).toBe(asked + 1),
    )
    expect(training.running).toBe(false)
    training.dispose()
  })
})
