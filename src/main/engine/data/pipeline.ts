import type { FaceRecord } from '@shared/contract'
import { preprocess } from './decode/preprocess'
import type { EstimatedLabels } from './labels/types'
import type { CropMode } from './store'

/**
 * Files an ingest has in flight at once. Small JPEGs go to the decode workers
 * in batches: with a few per worker, each waits for the ingest's thread (and,
 * on a loaded machine, for the scheduler) between batches; sharp's files wait
 * for libuv's 4 threads, reads and decodes alike.
 */
export const FILES_IN_FLIGHT = 32

/** One source file handed to the image pipeline. */
export interface PipelineInput {
  /** The file's bytes (only read, never written back). */
  content: Uint8Array
  /** Its path relative to the ingested folder, for messages. */
  file: string
  size: number
  crop: CropMode
}

/** What the image pipeline makes of one source file. */
export interface PreparedImage {
  /** `size` x `size` RGB bytes for the dataset. */
  pixels: Uint8Array
  /**
   * Labels estimated from the pixels (e.g. a face's expression, age, gender): stored beside
   * the artist's labels, which win wherever they give a value (`labels/estimated.ts`).
   */
  estimatedLabels?: EstimatedLabels
  /** The face the image shows, when the pipeline found one (`face` crop). */
  face?: FaceRecord
}

/**
 * Turns one file into its dataset image, or several (each face of a photo with
 * `--faces all`, in order). Throws `ImageRejected` with a reason for the report
 * when the file cannot be used; any other throw is reported too and never stops the ingest.
 */
export type ImagePipeline = (input: PipelineInput) => Promise<PreparedImage | PreparedImage[]>

/** The plain pipeline: decode by content, crop, resize; no estimates. */
export const decodePipeline: ImagePipeline = async ({ content, size, crop }) => ({
  // Face crops go through `facePipeline`; here one stands in as a centre crop.
  pixels: await preprocess(content, size, crop === 'face' ? 'center' : crop),
})
