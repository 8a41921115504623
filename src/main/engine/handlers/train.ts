import * as tf from '@tensorflow/tfjs-core'
import { EngineError } from '@shared/protocol'
import { open } from 'node:fs/promises'
import { datasetFiles, imageBytes, readDataset, readDatasetIndex } from '../data/store'
import { modelCache } from '../model/cache'
import { readModelManifest } from '../model/io'
import { decode, encode } from '../model/vae'
import { readCheckpointState } from '../train/checkpoint'
import { evaluateHeldOut } from '../train/evaluate'
import { floatToBytes } from '../train/pixels'
import { stepsPerEpoch } from '../train/loop'
import { planTraining, runTraining } from '../train/trainer'
import type { HandlerTable } from './types'

/** One training per engine: its job holds this key. */
const TRAINING = 'train'

export const trainHandlers: HandlerTable<
  'train.start' | 'train.status' | 'model.decode' | 'model.encode' | 'model.evaluate'
> = {
  'train.start': async (params, ctx) => {
    const { project, checkpointMinutes, minutes, ...asked } = params
    const plan = await planTraining({
      ...asked,
      projectDir: project,
      checkpointSeconds: checkpointMinutes * 60,
      maxSeconds: minutes === undefined ? undefined : minutes * 60,
    })
    const { config } = plan.settings
    const backend = tf.getBackend()
    const title = `${plan.resume ? 'Resuming' : 'Training'} the ${config.kind} model (${config.size}px, L=${config.latent}) to ${plan.settings.epochs} epochs on ${backend}`
    return ctx.jobs.start('train', { title, project, exclusiveKey: TRAINING }, (control) =>
      runTraining(plan, {
        checkpoint: () => control.checkpoint(),
        progress: (p) =>
          ctx.emit('train.progress', {
            jobId: control.id,
            project,
            step: p.step,
            steps: p.steps,
            epoch: p.epoch,
            epochs: p.epochs,
            loss: p.loss,
            reconstruction: p.reconstruction,
            kl: p.kl,
            beta: p.beta,
            imagesPerSecond: p.imagesPerSecond,
            etaSeconds: p.etaSeconds,
            backend,
          }),
        preview: (p) => ctx.emit('train.preview', { jobId: control.id, project, ...p }),
        status: (fraction, message) => control.progress(fraction, message),
        // The published model changed: free the old one now rather than on next use.
        saved: () => modelCache.invalidate(project),
      }),
    )
  },

  'train.status': async ({ project }, ctx) => {
    const [model, state] = await Promise.all([
      readModelManifest(project),
      readCheckpointState(project),
    ])
    const running = ctx.jobs.holding(TRAINING)
    return {
      project,
      model,
      checkpoint: state && {
        epoch: state.epoch,
        epochs: state.settings.epochs,
        step: state.step,
        stepsPerEpoch: stepsPerEpoch(state.settings),
        complete: state.epoch >= state.settings.epochs,
        savedAt: state.savedAt,
        learningRate: state.settings.learningRate,
        batch: state.settings.batch,
        warmupEpochs: state.settings.warmupEpochs,
        history: state.history,
      },
      job: running?.project === project ? running : null,
    }
  },

  'model.decode': async ({ project, latents }) => {
    const { vae, manifest } = await modelCache.get(project)
    const { latent, size } = manifest.config
    if (latents.length % latent !== 0) {
      throw new EngineError(
        'bad_request',
        `The model of ${project} has ${latent} latent dimensions; ${latents.length} numbers are not a whole number of latent vectors.`,
      )
    }
    const count = latents.length / latent
    const images = tf.tidy(() => decode(vae, tf.tensor2d(latents, [count, latent])))
    try {
      return { size, count, images: floatToBytes((await images.data()) as Float32Array) }
    } finally {
      images.dispose()
    }
  },

  'model.encode': async ({ project, indices }) => {
    const [{ vae, manifest }, pixels] = await Promise.all([
      modelCache.get(project),
      readImages(project, indices),
    ])
    const { size, latent } = manifest.config
    if (pixels.size !== size) {
      throw new EngineError(
        'conflict',
        `The dataset of ${project} has ${pixels.size}px images but its model takes ${size}px; train the model again.`,
      )
    }
    const moments = tf.tidy(() => {
      const floats = Float32Array.from(pixels.bytes, (v) => v / 255)
      const x = tf.tensor4d(floats, [indices.length, size, size, 3])
      const { mu, logVar } = encode(vae, x)
      return tf.concat([mu, logVar], 0)
    })
    const data = (await moments.data()) as Float32Array
    moments.dispose()
    const n = indices.length * latent
    return {
      count: indices.length,
      latent,
      mu: data.slice(0, n),
      logVar: data.slice(n),
    }
  },

  'model.evaluate': async ({ project, holdout }) => {
    const { vae, manifest } = await modelCache.get(project)
    const dataset = await readDataset(project)
    if (holdout === undefined && dataset.count !== manifest.trainCount + manifest.holdout) {
      throw new EngineError(
        'conflict',
        `The dataset of ${project} changed since the model was trained (${dataset.count} images, it knew ${manifest.trainCount + manifest.holdout}); say how many of the last images to evaluate on (--holdout N), or train again.`,
      )
    }
    if (holdout !== undefined && holdout > dataset.count) {
      throw new EngineError(
        'bad_request',
        `Cannot hold out ${holdout} images: the dataset of ${project} has ${dataset.count}.`,
      )
    }
    const first = holdout === undefined ? manifest.trainCount : dataset.count - holdout
    return { project, model: manifest, ...(await evaluateHeldOut(vae, manifest, dataset, first)) }
  },
}

/** Reads only the asked-for images of a project's dataset (not the whole pixels file). */
async function readImages(
  project: string,
  indices: number[],
): Promise<{ size: number; bytes: Uint8Array }> {
  const index = await readDatasetIndex(project)
  const bad = indices.find((i) => i >= index.count)
  if (bad !== undefined) {
    throw new EngineError(
      'bad_request',
      `Image ${bad} is not in the dataset of ${project} (it has ${index.count}).`,
    )
  }
  const n = imageBytes(index.size)
  const bytes = new Uint8Array(indices.length * n)
  const handle = await open(datasetFiles(project).pixels, 'r')
  try {
    for (const [k, i] of indices.entries()) await handle.read(bytes, k * n, n, i * n)
  } finally {
    await handle.close()
  }
  return { size: index.size, bytes }
}
