import * as tf from '@tensorflow/tfjs-core'
import {
  DATASET_SIZES,
  type ImageSize,
  type LossPoint,
  type ParsedParamsOf,
  type TrainPreview,
  type TrainProgress,
  type TrainSummary,
} from '@shared/contract'
import { EngineError } from '@shared/protocol'
import {
  batchToFloat,
  imageBytes,
  imagePixels,
  readDataset,
  readDatasetIndex,
  type Dataset,
} from '../data/store'
import { JobCancelled } from '../jobs/registry'
import { DEFAULT_LOSS, defaultConfig, type ModelConfig } from '../model/config'
import { warmedBeta } from '../model/loss'
import { buildVae, decode, disposeVae, encode, type Vae } from '../model/vae'
import { updateManifest } from '../project/manifest'
import {
  loadCheckpoint,
  readCheckpointState,
  writeCheckpoint,
  type TrainSettings,
  type TrainState,
} from './checkpoint'
import { toRgbBytes } from './pixels'
import { deriveSeed, shuffledIndices } from './random'
import { heldOutSplit } from './split'
import { trainableVariables, trainStepTerms, type StepLosses } from './step'
import { Adam } from './adam'
import { LaggedLosses, lossLag } from './lagged-losses'
import { currentGpuWatch, describeGpuFault } from '../backend/webgpu/health'
import { maxBatchForAdapter } from '../backend/webgpu/limits'

/**
 * What the caller asks for: the contract's `train.start` params, with the project's folder and
 * times in seconds (tests checkpoint after every step); anything left out comes from the
 * checkpoint (on resume) or the defaults.
 */
export type TrainRequest = Omit<
  ParsedParamsOf<'train.start'>,
  'project' | 'restart' | 'checkpointMinutes' | 'minutes'
> & {
  projectDir: string
  /** Ignore any checkpoint and train afresh (the old model is replaced at the first checkpoint). */
  restart?: boolean
  /** Seconds between checkpoints (0: after every step, for tests). */
  checkpointSeconds?: number
  /** Seconds between reconstruction previews. */
  previewSeconds?: number
  /** Images in each preview. */
  previewCount?: number
  /** A time budget: stop (with a checkpoint, resumable) after this many seconds of training. */
  maxSeconds?: number
}

/** A checked plan: the settings a run will use and where it starts. */
export interface TrainPlan {
  projectDir: string
  settings: TrainSettings
  dataset: Dataset
  datasetHash: string
  /** The checkpoint to resume from, or null for a fresh start. */
  resume: TrainState | null
  checkpointSeconds: number
  previewSeconds: number
  previewCount: number
  maxSeconds: number | null
}

/** A `TrainProgress` before the handler names its job, project and backend. */
export type TrainProgressInfo = Omit<TrainProgress, 'jobId' | 'project' | 'backend'> & {
  stepsPerEpoch: number
}

/** A `TrainPreview` before the handler names its job and project. */
export type TrainPreviewInfo = Omit<TrainPreview, 'jobId' | 'project'>

export interface TrainHooks {
  /** Between steps: waits while paused, throws JobCancelled once cancelled. */
  checkpoint(): Promise<void>
  /** Called at most ~10 times a second, and after the last step. */
  progress(info: TrainProgressInfo): void
  preview(info: TrainPreviewInfo): void
  /** One line for people, with the run's fraction done. */
  status(fraction: number, message: string): void
  /** A checkpoint was written and its model published. */
  saved?(state: TrainState): void
}

/** At an epoch's end a checkpoint is written when the last one is at least this old. */
const EPOCH_CHECKPOINT_GAP_MS = 10_000
const PROGRESS_INTERVAL_MS = 100

/**
 * Reads the dataset and the last checkpoint and settles the run's settings: a resumed run keeps
 * its checkpoint's settings, and asking for a different model than the checkpoint's is a conflict
 * (pass `restart` to replace it). Throws user-facing errors before any work starts.
 */
export async function planTraining(request: TrainRequest): Promise<TrainPlan> {
  const { projectDir } = request
  const index = await readDatasetIndex(projectDir)
  if (!(DATASET_SIZES as readonly number[]).includes(index.size)) {
    throw new EngineError(
      'bad_request',
      `The dataset of ${projectDir} has ${index.size}px images; the model trains on ${DATASET_SIZES.join(', ')}px. Ingest again with --size 64.`,
    )
  }
  if (request.size !== undefined && request.size !== index.size) {
    throw new EngineError(
      'bad_request',
      `The dataset of ${projectDir} has ${index.size}px images, not ${request.size}px. Leave the size out, or ingest again with --size ${request.size}.`,
    )
  }
  const resume = request.restart ? null : await readCheckpointState(projectDir)
  let settings: TrainSettings
  if (resume) {
    settings = { ...resume.settings, epochs: request.epochs }
    const asked: [string, unknown, unknown][] = [
      ['model', request.model, resume.settings.config.kind],
      ['latent', request.latent, resume.settings.config.latent],
      ['filters', request.filters, resume.settings.config.filters],
      ['loss', request.loss, resume.settings.loss],
      ['batch', request.batch, resume.settings.batch],
      ['beta', request.beta, resume.settings.beta],
      ['warm-up epochs', request.warmupEpochs, resume.settings.warmupEpochs],
      ['learning rate', request.learningRate, resume.settings.learningRate],
      ['seed', request.seed, resume.settings.seed],
      ['holdout', request.holdout, resume.settings.holdout],
    ]
    for (const [name, wanted, has] of asked) {
      if (wanted !== undefined && wanted !== has) {
        throw new EngineError(
          'conflict',
          `${projectDir} has a checkpoint (epoch ${resume.epoch}/${resume.settings.epochs}) trained with ${name} ${String(has)}; you asked for ${String(wanted)}. Leave it out to resume that run, or restart to train a new model (it replaces the current one).`,
        )
      }
    }
    if (resume.datasetHash !== index.pixelHash) {
      throw new EngineError(
        'conflict',
        `The dataset of ${projectDir} changed since its checkpoint was written (epoch ${resume.epoch}). Restart to train a new model on the new dataset.`,
      )
    }
    if (resume.epoch >= request.epochs) {
      throw new EngineError(
        'conflict',
        `The model of ${projectDir} already has ${resume.epoch} epochs; ask for more epochs to train further (e.g. ${resume.epoch + 10}), or restart to train afresh.`,
      )
    }
  } else {
    const kind = request.model ?? 'default'
    const config: ModelConfig = {
      ...defaultConfig(kind, index.size as ImageSize),
      ...(request.latent === undefined ? {} : { latent: request.latent }),
      ...(request.filters === undefined ? {} : { filters: request.filters }),
    }
    let split
    try {
      split = heldOutSplit(index.count, request.holdout)
    } catch (error) {
      throw new EngineError('bad_request', (error as Error).message)
    }
    settings = {
      config,
      loss: request.loss ?? DEFAULT_LOSS[kind],
      beta: request.beta ?? 1,
      warmupEpochs: request.warmupEpochs ?? 0,
      learningRate: request.learningRate ?? 1e-3,
      batch: Math.min(request.batch ?? 64, split.trainCount, maxBatchForAdapter(config)),
      seed: request.seed ?? Math.floor(Math.random() * 2 ** 31),
      epochs: request.epochs,
      ...split,
    }
  }
  const dataset = await readDataset(projectDir)
  return {
    projectDir,
    settings,
    dataset,
    datasetHash: index.pixelHash,
    resume,
    checkpointSeconds: request.checkpointSeconds ?? 120,
    previewSeconds: request.previewSeconds ?? 3,
    previewCount: Math.min(request.previewCount ?? 8, dataset.count),
    maxSeconds: request.maxSeconds ?? null,
  }
}

/** Steps in an epoch: whole batches only (a last partial batch would skew batch norm). */
export function stepsPerEpoch(settings: Pick<TrainSettings, 'trainCount' | 'batch'>): number {
  return Math.max(1, Math.floor(settings.trainCount / settings.batch))
}

/**
 * Trains the plan's model on the current tfjs backend: Adam, seeded shuffling and sampling,
 * checkpoints every `checkpointSeconds`, on cancel and at the end. A NaN or infinite loss stops
 * the run with the last good checkpoint left as it was.
 */
export async function runTraining(plan: TrainPlan, hooks: TrainHooks): Promise<TrainSummary> {
  const { settings, dataset, projectDir } = plan
  const { size } = settings.config
  const backend = tf.getBackend()
  const optimizer = new Adam(settings.learningRate)
  let vae: Vae | null = null
  try {
    vae = plan.resume
      ? await loadCheckpoint(projectDir, plan.resume, optimizer)
      : buildVae(settings.config, settings.seed)
    const model = vae
    const variables = trainableVariables(model)
    const perEpoch = stepsPerEpoch(settings)
    const totalSteps = perEpoch * settings.epochs
    const warmupSteps = settings.warmupEpochs * perEpoch
    let step = plan.resume?.step ?? 0
    let epoch = plan.resume?.epoch ?? 0
    let stepInEpoch = plan.resume?.stepInEpoch ?? 0
    const history: LossPoint[] = (plan.resume?.history ?? []).filter((p) => p.epoch < epoch)
    const sums = { loss: 0, reconstruction: 0, kl: 0, steps: 0 }
    // Resuming mid-epoch: the unfinished epoch's point carries its steps so far.
    const partial = plan.resume?.history.find((p) => p.epoch === epoch)
    if (partial && stepInEpoch > 0) {
      sums.loss = partial.loss * stepInEpoch
      sums.reconstruction = partial.reconstruction * stepInEpoch
      sums.kl = partial.kl * stepInEpoch
      sums.steps = stepInEpoch
    }
    let savedStep = step
    let generation: string | null = plan.resume?.generation ?? null
    const started = Date.now()
    const startStep = step
    const window: { at: number; images: number }[] = [{ at: started, images: 0 }]
    let imagesSeen = 0
    let lastProgress = 0
    let lastPreview = 0
    let lastCheckpoint = started
    let last: LossPoint | null = null
    let stoppedByBudget = false
    const lagged = new LaggedLosses<{ step: number; epoch: number }>(lossLag(backend))
    const gpu = currentGpuWatch(backend)
    const gpuStop = (): EngineError | null =>
      gpu?.fault
        ? new EngineError(
            'failed',
            describeGpuFault(gpu.fault, {
              step,
              batch: settings.batch,
              savedStep: generation ? savedStep : null,
            }),
          )
        : null
    /** Books a step's losses once read; a NaN or infinite loss stops the run. */
    const account = (losses: StepLosses, at: { step: number; epoch: number }): void => {
      if (![losses.loss, losses.reconstruction, losses.kl].every(Number.isFinite)) {
        throw new EngineError(
          'failed',
          `Training stopped at step ${at.step + 1} (epoch ${at.epoch + 1}): the loss became ${Number.isNaN(losses.loss) ? 'NaN' : 'infinite'} (reconstruction ${losses.reconstruction}, KL ${losses.kl}). ` +
            (generation
              ? `The last good checkpoint (step ${savedStep}) is kept. `
              : 'The model and checkpoint on disk are left as they were. ') +
            `Try a lower learning rate (now ${settings.learningRate}) or beta, or a KL warm-up, and restart.`,
        )
      }
      sums.loss += losses.loss
      sums.reconstruction += losses.reconstruction
      sums.kl += losses.kl
      sums.steps++
      last = { step: at.step + 1, epoch: at.epoch, ...losses }
    }
    const settle = async (): Promise<void> => {
      for (const due of await lagged.drain()) account(due.losses, due.at)
    }

    const preview = previewer(dataset, settings.trainCount, plan.previewCount)
    const currentPoint = (): LossPoint | null =>
      sums.steps === 0
        ? null
        : {
            step,
            epoch,
            loss: sums.loss / sums.steps,
            reconstruction: sums.reconstruction / sums.steps,
            kl: sums.kl / sums.steps,
          }
    const save = async (): Promise<void> => {
      await settle()
      const point = currentPoint()
      const fullHistory = point && stepInEpoch > 0 ? [...history, point] : history
      const lastLosses = point ?? history.at(-1) ?? null
      const state = await writeCheckpoint(
        projectDir,
        model,
        optimizer,
        {
          settings,
          datasetHash: plan.datasetHash,
          backend,
          step,
          epoch,
          stepInEpoch,
          history: fullHistory,
        },
        {
          format: 1,
          config: settings.config,
          loss: settings.loss,
          beta: settings.beta,
          epochsDone: epoch,
          steps: step,
          datasetHash: plan.datasetHash,
          trainCount: settings.trainCount,
          holdout: settings.holdout,
          backend,
          seed: settings.seed,
          lastLosses: lastLosses
            ? {
                loss: lastLosses.loss,
                reconstruction: lastLosses.reconstruction,
                kl: lastLosses.kl,
              }
            : null,
        },
      )
      await updateManifest(projectDir, (manifest) => {
        manifest.model = {
          config: settings.config,
          loss: settings.loss,
          beta: settings.beta,
          epochsDone: epoch,
          epochs: settings.epochs,
          steps: step,
          generation: state.generation,
          savedAt: state.savedAt,
        }
      })
      generation = state.generation
      savedStep = step
      lastCheckpoint = Date.now()
      hooks.saved?.(state)
    }
    // Previews may take at most ~5% of the time: on a slow machine they come less often.
    let previewGap = plan.previewSeconds * 1000
    const sendPreview = async (): Promise<void> => {
      const begin = Date.now()
      hooks.preview({ step, epoch, ...(await preview(model)) })
      lastPreview = Date.now()
      previewGap = Math.max(plan.previewSeconds * 1000, 20 * (lastPreview - begin))
    }

    hooks.status(
      step / totalSteps,
      plan.resume ? `resuming at epoch ${epoch + 1}/${settings.epochs}` : 'starting',
    )
    try {
      epochs: while (epoch < settings.epochs) {
        const order = shuffledIndices(settings.trainCount, deriveSeed(settings.seed, epoch))
        while (stepInEpoch < perEpoch) {
          if (plan.maxSeconds !== null && Date.now() - started >= plan.maxSeconds * 1000) {
            stoppedByBudget = true
            break epochs
          }
          // A step is synchronous: let the engine serve requests (pause, cancel, decode) between steps.
          await new Promise<void>((resolve) => setImmediate(resolve))
          await hooks.checkpoint()
          const begin = stepInEpoch * settings.batch
          const indices = order.subarray(begin, begin + settings.batch)
          const x = tf.tensor4d(batchToFloat(dataset, indices), [indices.length, size, size, 3])
          const beta = warmedBeta(settings.beta, step, warmupSteps)
          let terms
          try {
            terms = trainStepTerms(
              model,
              optimizer,
              x,
              { beta, loss: settings.loss, seed: deriveSeed(settings.seed, 1_000_000 + step) },
              variables,
            )
          } finally {
            x.dispose()
          }
          const due = await lagged.push(terms, { step, epoch })
          const stop = gpuStop()
          if (stop) throw stop
          for (const { losses, at } of due) account(losses, at)
          step++
          stepInEpoch++
          imagesSeen += indices.length

          const now = Date.now()
          window.push({ at: now, images: imagesSeen })
          if (window.length > 20) window.shift()
          const first = window[0] as { at: number; images: number }
          const imagesPerSecond =
            now > first.at ? ((imagesSeen - first.images) * 1000) / (now - first.at) : 0
          const remaining = (totalSteps - step) * settings.batch
          const finishing = stepInEpoch === perEpoch && epoch + 1 === settings.epochs
          if (finishing) await settle()
          // Booked by `account` (a closure: TypeScript cannot follow it there).
          const booked = last as LossPoint | null
          if (booked && (now - lastProgress >= PROGRESS_INTERVAL_MS || finishing)) {
            lastProgress = now
            hooks.progress({
              ...booked,
              steps: totalSteps,
              epochs: settings.epochs,
              stepsPerEpoch: perEpoch,
              beta,
              imagesPerSecond,
              etaSeconds: eta(remaining, imagesPerSecond, plan.maxSeconds, now - started),
            })
            hooks.status(
              step / totalSteps,
              `epoch ${epoch + 1}/${settings.epochs}, step ${stepInEpoch}/${perEpoch}, loss ${booked.loss.toFixed(1)}`,
            )
          }
          if (now - lastPreview >= previewGap) await sendPreview()
          if (now - lastCheckpoint >= plan.checkpointSeconds * 1000 && !finishing) await save()
        }
        await settle()
        const point = currentPoint()
        if (point) history.push(point)
        sums.loss = sums.reconstruction = sums.kl = sums.steps = 0
        epoch++
        stepInEpoch = 0
        // Publish each epoch's model so the map can follow training (not more than every few
        // seconds: tiny datasets finish epochs faster than a checkpoint is worth writing).
        const epochsLeft = epoch < settings.epochs
        if (epochsLeft && Date.now() - lastCheckpoint >= EPOCH_CHECKPOINT_GAP_MS) await save()
      }
      await sendPreview()
      await save()
    } catch (error) {
      // Cancelled: keep the work done since the last checkpoint. A failed GPU: keep the last one.
      if (error instanceof JobCancelled && step > savedStep) await save()
      throw (error instanceof JobCancelled ? null : gpuStop()) ?? error
    } finally {
      lagged.dispose()
    }
    const seconds = (Date.now() - started) / 1000
    const final = history.at(-1) ?? last
    return {
      epochsDone: epoch,
      steps: step,
      loss: final?.loss ?? null,
      reconstruction: final?.reconstruction ?? null,
      kl: final?.kl ?? null,
      imagesPerSecond: seconds > 0 ? ((step - startStep) * settings.batch) / seconds : 0,
      seconds,
      resumedFromEpoch: plan.resume ? plan.resume.epoch : null,
      stoppedByBudget,
      backend,
      generation,
    }
  } finally {
    if (vae) disposeVae(vae)
    optimizer.dispose()
  }
}

/** Seconds left: the remaining images at the current speed, or the time budget left if sooner. */
function eta(
  images: number,
  imagesPerSecond: number,
  maxSeconds: number | null,
  elapsedMs: number,
): number | null {
  const budget = maxSeconds === null ? Infinity : Math.max(0, maxSeconds - elapsedMs / 1000)
  const work = imagesPerSecond > 0 ? images / imagesPerSecond : Infinity
  const left = Math.min(budget, work)
  return Number.isFinite(left) ? left : null
}

/** Reconstructions of a few fixed images: held-out ones when there are enough. */
function previewer(dataset: Dataset, trainCount: number, count: number) {
  const first = dataset.count - trainCount >= count ? trainCount : 0
  const indices = Array.from({ length: count }, (_, i) => first + i)
  const originals = new Uint8Array(count * imageBytes(dataset.size))
  indices.forEach((index, i) =>
    originals.set(imagePixels(dataset, index), i * imageBytes(dataset.size)),
  )
  const pixels = batchToFloat(dataset, indices)
  return async (vae: Vae): Promise<Omit<TrainPreviewInfo, 'step' | 'epoch'>> => {
    const images = tf.tidy(() => {
      const x = tf.tensor4d(pixels, [count, dataset.size, dataset.size, 3])
      return decode(vae, encode(vae, x).mu)
    })
    try {
      return {
        size: dataset.size,
        count,
        originals,
        reconstructions: await toRgbBytes(images),
      }
    } finally {
      images.dispose()
    }
  }
}
