import { z } from 'zod'
import { event, job, request } from './define'
import { DATASET_SIZES, type ImageSize } from './dataset'
import { LIMITS, limitMessage } from './limits'
import type { Job } from './jobs'
import { projectDir } from './params'

/** The model architectures: the benchmark network of DESIGN.md, or the default one for real use. */
export const MODEL_KINDS = ['default', 'benchmark'] as const
export type ModelKindName = (typeof MODEL_KINDS)[number]

/**
 * Reconstruction terms: summed binary cross-entropy, summed squared error, or the Gaussian
 * negative log-likelihood with the optimal shared variance (σ-VAE: σ² is the batch's MSE).
 */
export const RECONSTRUCTION_LOSSES = ['bce', 'squared', 'sigma'] as const
export type ReconstructionLossName = (typeof RECONSTRUCTION_LOSSES)[number]

/** Images decoded or encoded in one request, at most. */
export const MAX_BATCH_IMAGES = 1024

/** A model's shape: what must match for two sets of weights to be interchangeable. */
export interface ModelShape {
  kind: ModelKindName
  /** Square image side in pixels. */
  size: number
  /** Latent dimensions, L. */
  latent: number
  /** Filters of the first conv layer (each later one doubles). */
  filters: number
}

/** Mean losses per image over a stretch of training. */
export interface LossPoint {
  step: number
  /** 0-based epoch the point belongs to. */
  epoch: number
  loss: number
  reconstruction: number
  kl: number
}

/** The project's trained model (`model/manifest.json`). */
export interface ModelSummary {
  generation: string
  config: ModelShape
  loss: ReconstructionLossName
  beta: number
  epochsDone: number
  steps: number
  /** The pixel hash of the dataset it was trained on. */
  datasetHash: string
  /** The first `trainCount` images are trained on; the last `holdout` are held out. */
  trainCount: number
  holdout: number
  backend: string
  seed: number
  savedAt: string
  lastLosses: { loss: number; reconstruction: number; kl: number } | null
}

/** Where a project's training stands. */
export interface TrainStatus {
  project: string
  /** The published model, or null before the first checkpoint. */
  model: ModelSummary | null
  /** The last checkpoint: resuming goes on from here. */
  checkpoint: {
    epoch: number
    epochs: number
    step: number
    stepsPerEpoch: number
    /** True when it has all the epochs it was asked for. */
    complete: boolean
    savedAt: string
    learningRate: number
    batch: number
    warmupEpochs: number
    /** Mean losses per epoch (and of an unfinished epoch so far). */
    history: LossPoint[]
  } | null
  /** The training job running on this project, if any. */
  job: Job | null
}

/** What a training job ends with. */
export interface TrainSummary {
  epochsDone: number
  steps: number
  loss: number | null
  reconstruction: number | null
  kl: number | null
  imagesPerSecond: number
  seconds: number
  resumedFromEpoch: number | null
  /** True when the time budget ended the run before its epochs were done. */
  stoppedByBudget: boolean
  backend: string
  generation: string | null
}

/** Live training figures, at most ~10 a second per job. */
export interface TrainProgress {
  jobId: string
  project: string
  /** Steps done in all, of `steps`. */
  step: number
  steps: number
  /** The 0-based epoch under way, of `epochs`. */
  epoch: number
  epochs: number
  /** This step's batch means: -ELBO (with the warmed-up beta), its reconstruction term and KL. */
  loss: number
  reconstruction: number
  kl: number
  /** Beta in use at this step (lower during KL warm-up). */
  beta: number
  imagesPerSecond: number
  /** Null until the speed is known. */
  etaSeconds: number | null
  backend: string
}

/** Reconstructions of a few fixed images (held-out ones when there are enough), every few seconds. */
export interface TrainPreview {
  jobId: string
  project: string
  step: number
  epoch: number
  size: number
  count: number
  /** RGB bytes, count x size x size x 3: the images, and the model's reconstructions of them. */
  originals: Uint8Array
  reconstructions: Uint8Array
}

export interface DecodedImages {
  size: number
  count: number
  /** RGB bytes, count x size x size x 3. */
  images: Uint8Array
}

export interface EncodedImages {
  count: number
  latent: number
  /** count x L each, row-major. */
  mu: Float32Array<ArrayBuffer>
  logVar: Float32Array<ArrayBuffer>
}

/** Held-out figures of the project's model (`atelier eval`). */
export interface Evaluation {
  project: string
  /** Images evaluated: the held-out ones (or the ones asked for). */
  count: number
  /** Mean squared error per pixel and channel, pixels in 0..1, reconstructing from mu. */
  msePerPixel: number
  /** Mean binary cross-entropy per pixel and channel. */
  bcePerPixel: number
  /**
   * Fine detail kept: variance of the Laplacian of the reconstruction (from mu) over that of the
   * original, averaged over the images (1 keeps it all, 0 is a flat blur).
   */
  laplacianRatio: number
  /** Mean per image: the model's reconstruction term (summed, from a sampled z) and KL. */
  reconstruction: number
  kl: number
  /** -(reconstruction + KL) per image: the ELBO with beta 1 (higher is better). */
  elbo: number
  model: ModelSummary
}

const latentSize = z.number().int().min(2).max(LIMITS.latentSize, limitMessage('latentSize'))

export const trainRequests = {
  /**
   * Trains the project's model as a job. With a checkpoint, resumes it to `epochs` epochs in all
   * (its settings win; asking for different ones is a conflict unless `restart`).
   */
  'train.start': job<TrainSummary>()(
    z
      .object({
        project: projectDir,
        model: z.enum(MODEL_KINDS).optional(),
        size: z
          .union(
            DATASET_SIZES.map((s) => z.literal(s)) as [
              z.ZodLiteral<ImageSize>,
              ...z.ZodLiteral<ImageSize>[],
            ],
          )
          .optional(),
        latent: latentSize.optional(),
        filters: z.number().int().min(4).max(128).optional(),
        /** Epochs the model should have in all: a resumed run trains only the missing ones. */
        epochs: z.number().int().min(1).max(10_000).default(10),
        batch: z.number().int().min(1).max(1024).optional(),
        beta: z.number().min(0).max(1000).optional(),
        warmupEpochs: z.number().int().min(0).max(1000).optional(),
        learningRate: z.number().min(1e-7).max(1).optional(),
        loss: z.enum(RECONSTRUCTION_LOSSES).optional(),
        seed: z
          .number()
          .int()
          .min(0)
          .max(2 ** 31 - 1)
          .optional(),
        holdout: z.number().int().min(0).max(10_000_000).optional(),
        restart: z.boolean().default(false),
        /** Minutes between checkpoints. */
        checkpointMinutes: z.number().min(0.05).max(60).default(2),
        /** A time budget: stop after this many minutes (with a checkpoint; start again to go on). */
        minutes: z.number().min(0.05).max(100_000).optional(),
      })
      .strict(),
  ),
  /** The project's model, last checkpoint and running training job. */
  'train.status': request<TrainStatus>()(z.object({ project: projectDir }).strict()),
  /** Latents (count x L, row-major) -> images, with the project's model (kept loaded between calls). */
  'model.decode': request<DecodedImages>()(
    z
      .object({
        project: projectDir,
        latents: z
          .instanceof(Float32Array)
          .refine((a) => a.length > 0 && a.length <= MAX_BATCH_IMAGES * 512, {
            message: `must hold 1 to ${MAX_BATCH_IMAGES} latent vectors`,
          }),
      })
      .strict(),
  ),
  /** Dataset images (by index) -> the encoder's mu and logVar. */
  'model.encode': request<EncodedImages>()(
    z
      .object({
        project: projectDir,
        indices: z.array(z.number().int().min(0)).min(1).max(MAX_BATCH_IMAGES),
      })
      .strict(),
  ),
  /** Reconstruction error per pixel and KL of the project's model on its held-out images. */
  'model.evaluate': request<Evaluation>()(
    z
      .object({
        project: projectDir,
        /** Evaluate on the last `holdout` images instead of the model's own held-out split. */
        holdout: z.number().int().min(1).max(10_000_000).optional(),
      })
      .strict(),
  ),
}

export const trainEvents = {
  'train.progress': event<TrainProgress>(),
  'train.preview': event<TrainPreview>(),
}
