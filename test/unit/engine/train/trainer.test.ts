import * as tf from '@tensorflow/tfjs-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src/main/engine/backend/select'
import { JobCancelled } from '../../../../src/main/engine/jobs/registry'
import type { ModelConfig } from '../../../../src/main/engine/model/config'
import { readModel } from '../../../../src/main/engine/model/io'
import { buildVae, disposeVae } from '../../../../src/main/engine/model/vae'
import { readCheckpointState } from '../../../../src/main/engine/train/checkpoint'
import { trainStep } from '../../../../src/main/engine/train/step'
import {
  planTraining,
  runTraining,
  type TrainHooks,
  type TrainProgressInfo,
  type TrainRequest,
} from '../../../../src/main/engine/train/trainer'
import { removeProject, tinyProject } from './fixtures'

const dirs: string[] = []
async function project(): Promise<string> {
  const dir = await tinyProject(10)
  dirs.push(dir)
  return dir
}

beforeAll(async () => {
  await selectBackend('cpu')
})
afterAll(async () => {
  await Promise.all(dirs.map(removeProject))
})

// A model small enough for the pure-JS backend: 32x32, 2/4/8/16 filters, L = 4.
const tiny = (projectDir: string, more: Partial<TrainRequest> = {}): TrainRequest => ({
  projectDir,
  model: 'default',
  latent: 4,
  filters: 2,
  epochs: 2,
  batch: 4,
  seed: 3,
  previewSeconds: 3600,
  ...more,
})

function recorder(stopAt?: { step: number; error: Error }) {
  const progress: TrainProgressInfo[] = []
  let steps = 0
  const hooks: TrainHooks = {
    checkpoint: async () => {
      if (stopAt && steps === stopAt.step) throw stopAt.error
      steps++
    },
    progress: (p) => progress.push(p),
    preview: () => undefined,
    status: () => undefined,
  }
  return { hooks, progress }
}

describe('training', () => {
  it('leaks no tensors from one step to the next', () => {
    const config: ModelConfig = { kind: 'default', size: 32, latent: 4, filters: 2 }
    const vae = buildVae(config, 1)
    const optimizer = tf.train.adam(1e-3)
    const x = tf.randomUniform([2, 32, 32, 3]) as tf.Tensor4D
    const options = { beta: 1, loss: 'bce' as const, seed: 1 }
    // The first step creates Adam's moments; every later step must add nothing.
    trainStep(vae, optimizer, x, options)
    const after1 = tf.memory().numTensors
    trainStep(vae, optimizer, x, options)
    trainStep(vae, optimizer, x, options)
    expect(tf.memory().numTensors).toBe(after1)
    x.dispose()
    optimizer.dispose()
    disposeVae(vae)
  })

  it('repeats a run exactly with the same seed, and not with another', async () => {
    const run = async (seed: number) => {
      const { hooks, progress } = recorder()
      await runTraining(await planTraining(tiny(await project(), { seed, epochs: 1 })), hooks)
      return progress.map((p) => p.loss)
    }
    const first = await run(5)
    expect(first.length).toBeGreaterThan(0)
    expect(await run(5)).toEqual(first)
    expect(await run(6)).not.toEqual(first)
  })

  it('resumes after a crash from the last checkpoint and ends where an uninterrupted run ends', async () => {
    const straight = await project()
    const whole = await runTraining(await planTraining(tiny(straight)), recorder().hooks)

    const crashed = await project()
    const crash = recorder({ step: 3, error: new Error('engine killed') })
    await expect(
      runTraining(await planTraining(tiny(crashed, { checkpointSeconds: 0 })), crash.hooks),
    ).rejects.toThrow('engine killed')
    const state = await readCheckpointState(crashed)
    expect(state?.step).toBe(3)

    // A new start with no settings: everything comes from the checkpoint.
    const plan = await planTraining({ projectDir: crashed, epochs: 2 })
    expect(plan.resume?.step).toBe(3)
    const resumed = await runTraining(plan, recorder().hooks)
    expect(resumed.resumedFromEpoch).toBe(1)
    expect(resumed.steps).toBe(whole.steps)
    expect(resumed.loss).toBeCloseTo(whole.loss as number, 4)
    expect(resumed.kl).toBeCloseTo(whole.kl as number, 4)

    const { vae, manifest } = await readModel(crashed)
    expect(manifest).toMatchObject({ epochsDone: 2, steps: whole.steps, backend: 'cpu' })
    disposeVae(vae)
  })

  it('saves a checkpoint when cancelled, and refuses to resume with another model', async () => {
    const dir = await project()
    await expect(
      runTraining(
        await planTraining(tiny(dir)),
        recorder({ step: 1, error: new JobCancelled() }).hooks,
      ),
    ).rejects.toBeInstanceOf(JobCancelled)
    expect((await readCheckpointState(dir))?.step).toBe(1)
    await expect(planTraining(tiny(dir, { latent: 8 }))).rejects.toThrow(/latent 4.*restart/)
    expect((await planTraining(tiny(dir, { latent: 8, restart: true }))).resume).toBeNull()
  })

  it('a stop mid-epoch saves that step, and the resumed run reaches the same weights as one uninterrupted', async () => {
    // 20 images, 2 held out, batch 4: 4 steps an epoch; the stop comes after step 6 (epoch 2, step 2).
    const more = { epochs: 2, checkpointSeconds: 3600 }
    const straight = await tinyProject(20)
    const stopped = await tinyProject(20)
    dirs.push(straight, stopped)
    await runTraining(await planTraining(tiny(straight, more)), recorder().hooks)
    const stop = recorder({ step: 6, error: new JobCancelled() })
    await expect(
      runTraining(await planTraining(tiny(stopped, more)), stop.hooks),
    ).rejects.toBeInstanceOf(JobCancelled)
    // Only the stop wrote a checkpoint (the epoch's end was too soon after the start for one).
    expect(await readCheckpointState(stopped)).toMatchObject({ step: 6, epoch: 1, stepInEpoch: 2 })

    const plan = await planTraining({ projectDir: stopped, epochs: 2 })
    const resumed = await runTraining(plan, recorder().hooks)
    expect(resumed.steps).toBe(8)
    const weights = async (dir: string) => {
      const { vae } = await readModel(dir)
      const values = [...vae.encoder.getWeights(), ...vae.decoder.getWeights()].map((w) =>
        Array.from(w.dataSync()),
      )
      disposeVae(vae)
      return values
    }
    // Same data order, sampling noise and Adam state: the same numbers, not merely close ones.
    expect(await weights(stopped)).toEqual(await weights(straight))
  })

  it('stops on a NaN or infinite loss and keeps the last good checkpoint', async () => {
    const dir = await project()
    await runTraining(await planTraining(tiny(dir, { epochs: 1 })), recorder().hooks)
    const good = await readCheckpointState(dir)
    // A learning rate this absurd blows the weights up within a step or two.
    const plan = await planTraining(
      tiny(dir, { restart: true, learningRate: 1e30, loss: 'squared', checkpointSeconds: 3600 }),
    )
    await expect(runTraining(plan, recorder().hooks)).rejects.toThrow(
      /loss became (NaN|infinite).*left as they were/,
    )
    expect((await readCheckpointState(dir))?.generation).toBe(good?.generation)
  })
})
