import {
  DATASET_SIZES,
  type ImageSize,
  type ParsedParamsOf,
  type TrainPreview,
  type TrainProgress,
  type TrainSummary,
} from '@shared/contract'
import { EngineError } from '@shared/protocol'
import { maxBatchForAdapter } from '../backend/webgpu/limits'
import { readDataset, readDatasetIndex, type Dataset } from '../data/store'
import { DEFAULT_LOSS, defaultConfig, type ModelConfig } from '../model/config'
import { buildVae, disposeVae, type Vae } from '../model/vae'
import { Adam } from './adam'
import {
  loadCheckpoint,
  readCheckpointState,
  type TrainSettings,
  type TrainState,
} from './checkpoint'
import { TrainingLoop } from './loop'
import { heldOutSplit } from './split'

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

/**
 * Reads the dataset and the last checkpoint and settles the run's settings: a resumed run keeps
 * its checkpoint's settings, and asking for a different model than the checkpoint's is a conflict
 * (pass `restart` to replace it). Throws user-facing errors before any work starts.
 */
export async function planTraining(request: TrainRequest): Promise<TrainPlan> {
  const { projectDir } = request
  const index = await readDatasetIndex(projectDir)
  checkDatasetSize(projectDir, index.size, request.size)
  const resume = request.restart ? null : await readCheckpointState(projectDir)
  const settings = resume
    ? resumedSettings(request, resume, index.pixelHash)
    : freshSettings(request, index.size as ImageSize, index.count)
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

/** The dataset's image size must be one the model trains on, and the one asked for, if any. */
function checkDatasetSize(projectDir: string, size: number, asked: number | undefined): void {
  if (!(DATASET_SIZES as readonly number[]).includes(size)) {
    throw new EngineError(
      'bad_request',
      `The dataset of ${projectDir} has ${size}px images; the model trains on ${DATASET_SIZES.join(', ')}px. Ingest again with --size 64.`,
    )
  }
  if (asked !== undefined && asked !== size) {
    throw new EngineError(
      'bad_request',
      `The dataset of ${projectDir} has ${size}px images, not ${asked}px. Leave the size out, or ingest again with --size ${asked}.`,
    )
  }
}

/** A resumed run's settings: its checkpoint's, more epochs; a setting asked to differ is a conflict. */
function resumedSettings(
  request: TrainRequest,
  resume: TrainState,
  pixelHash: string,
): TrainSettings {
  const { projectDir } = request
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
  if (resume.datasetHash !== pixelHash) {
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
  return { ...resume.settings, epochs: request.epochs }
}

/** A fresh run's settings: what the request gives, the model kind's defaults for the rest. */
function freshSettings(request: TrainRequest, size: ImageSize, count: number): TrainSettings {
  const kind = request.model ?? 'default'
  const config: ModelConfig = {
    ...defaultConfig(kind, size),
    ...(request.latent === undefined ? {} : { latent: request.latent }),
    ...(request.filters === undefined ? {} : { filters: request.filters }),
  }
  let split
  try {
    split = heldOutSplit(count, request.holdout)
  } catch (error) {
    throw new EngineError('bad_request', (error as Error).message)
  }
  return {
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

/**
 * Trains the plan's model on the current tfjs backend: Adam, seeded shuffling and sampling,
 * checkpoints every `checkpointSeconds`, on cancel and at the end. A NaN or infinite loss stops
 * the run with the last good checkpoint left as it was.
 */
export async function runTraining(plan: TrainPlan, hooks: TrainHooks): Promise<TrainSummary> {
  const { settings, projectDir } = plan
  const optimizer = new Adam(settings.learningRate)
  let vae: Vae | null = null
  try {
    vae = plan.resume
      ? await loadCheckpoint(projectDir, plan.resume, optimizer)
      : buildVae(settings.config, settings.seed)
    return await new TrainingLoop(plan, hooks, vae, optimizer).run()
  } finally {
    if (vae) disposeVae(vae)
    optimizer.dispose()
  }
}
