import { createHash } from 'node:crypto'
import { mkdir, open, readFile, stat, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { LIMITS, type CropModeName, type FaceRecord } from '@shared/contract'
import { EngineError } from '@shared/protocol'
import { writeAtomicWith, writeFileAtomic } from '../project/atomic'
import type { NoFaceChoice } from './faces/face-crop'
import type { LabelSpec } from './labels/attach'
import type { EstimatedLabels } from './labels/types'
import { projectLayout } from '../project/layout'
import { updateManifest } from '../project/manifest'

/** How a source image is made square before it is resized to the model size. */
export type CropMode = CropModeName

/** Where a dataset's images came from (and, for a folder, the label sources used, so a re-ingest reuses them). */
export type DatasetSource =
  | {
      kind: 'folder'
      folder: string
      crop: CropMode
      noFace?: NoFaceChoice
      /** Set when every confident face of a photo became its own image (`--faces all`). */
      faces?: 'all'
      labels?: LabelSpec
    }
  | { kind: 'synthetic'; seed: number }

/** One image of a dataset: its source file and labels (its pixels live in `Dataset.pixels`). */
export interface DatasetImage {
  /** Path relative to the source folder (forward slashes), or 'synthetic/000123'. */
  file: string
  bytes: number
  mtimeMs: number
  /** Content hash of the source file (sha1 hex), or of the synthetic face's recipe. */
  hash: string
  /** The artist's labels: binary ones are 1/0, numeric ones numbers, categorical ones strings; null is unknown. */
  labels: Record<string, number | string | null>
  /**
   * Labels the image pipeline estimated from the pixels (a face's expression, age...), kept
   * apart from the artist's so that theirs always win (see `labels/estimated.ts`).
   */
  estimated?: EstimatedLabels
  /** With `face` crop: the face this image shows (absent for a photo without one, centre-cropped). */
  face?: FaceRecord
  /**
   * With `--faces all`: which of the photo's confident faces this image shows, largest
   * first from 0; `file` is the photo, shared by all its faces.
   */
  faceIndex?: number
}

/**
 * A preprocessed dataset: `count` square RGB images of `size` pixels, in one
 * uint8 buffer (NHWC), so 200,000 images of 64x64 cost 2.4 GB and no more.
 */
export interface Dataset {
  /** S: the images are S x S. */
  size: number
  count: number
  images: DatasetImage[]
  /** count * S * S * 3 bytes, RGB, row-major NHWC. */
  pixels: Uint8Array
  labelNames: string[]
  /** Names of the labels any image has an estimate for, in first-seen order; absent when none. */
  estimatedLabelNames?: string[]
  source: DatasetSource
}

/** What `dataset/index.json` holds: everything but the pixels. */
export interface DatasetIndex {
  format: number
  size: number
  count: number
  source: DatasetSource
  labelNames: string[]
  estimatedLabelNames?: string[]
  /** Byte length and sha1 of `pixels.u8`, so a pixels file that does not belong to this index is caught. */
  pixelBytes: number
  pixelHash: string
  writtenAt: string
  images: DatasetImage[]
}

export const DATASET_FORMAT = 1

/** The most pixel bytes one dataset can hold: one typed array in Node is at most 4 GiB. */
export const MAX_PIXEL_BYTES = LIMITS.datasetPixelBytes

/** Throws a clear error when `count` images of `size` pixels cannot be held in one buffer. */
export function checkDatasetFits(count: number, size: number): void {
  const need = count * imageBytes(size)
  if (need > MAX_PIXEL_BYTES) {
    const most = Math.floor(MAX_PIXEL_BYTES / imageBytes(size))
    throw new EngineError(
      'bad_request',
      `${count} images of ${size}x${size} need ${(need / 1024 ** 3).toFixed(1)} GiB of pixels, more than one dataset can hold (limit datasetPixelBytes: 4 GiB); use at most ${most} images at this size, or a smaller size.`,
    )
  }
}

/** The files of a project's dataset. */
export function datasetFiles(projectDir: string) {
  const dir = projectLayout(projectDir).dataset
  return {
    dir,
    pixels: join(dir, 'pixels.u8'),
    index: join(dir, 'index.json'),
    report: join(dir, 'report.json'),
  }
}

/** Bytes of one image. */
export function imageBytes(size: number): number {
  return size * size * 3
}

/** The pixels of image `i` (a view, no copy). */
export function imagePixels(dataset: Dataset, i: number): Uint8Array {
  const n = imageBytes(dataset.size)
  return dataset.pixels.subarray(i * n, (i + 1) * n)
}

/**
 * The images at `indices` as floats in 0..1, NHWC (indices.length x S x S x 3):
 * the only place pixels become floats, one batch at a time.
 */
export function batchToFloat(dataset: Dataset, indices: ArrayLike<number>): Float32Array {
  const n = imageBytes(dataset.size)
  const out = new Float32Array(indices.length * n)
  const scale = 1 / 255
  for (let b = 0; b < indices.length; b++) {
    const i = indices[b]
    if (!Number.isInteger(i) || i < 0 || i >= dataset.count) {
      throw new RangeError(`Image index ${i} is outside the dataset (0..${dataset.count - 1})`)
    }
    const src = i * n
    const dst = b * n
    for (let k = 0; k < n; k++) out[dst + k] = dataset.pixels[src + k] * scale
  }
  return out
}

/** Reads only the index (no pixels): cheap, for info and labels. */
export async function readDatasetIndex(projectDir: string): Promise<DatasetIndex> {
  const files = datasetFiles(projectDir)
  let text: string
  try {
    text = await readFile(files.index, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new EngineError(
        'not_found',
        `The project ${projectDir} has no dataset yet: ingest a folder first (atelier ingest <folder> --project ${projectDir}), or make the demo faces (atelier ingest --demo 2000 --project ${projectDir}).`,
      )
    }
    throw new EngineError('failed', `Cannot read ${files.index}: ${(error as Error).message}`)
  }
  let index: DatasetIndex
  try {
    index = JSON.parse(text) as DatasetIndex
  } catch (error) {
    throw new EngineError(
      'failed',
      `${files.index} is damaged (${(error as Error).message}); ingest the folder again to rebuild it.`,
    )
  }
  if (typeof index.format !== 'number' || index.format > DATASET_FORMAT) {
    throw new EngineError(
      'failed',
      `${files.index} has format ${String(index.format)}, which this version of Latent Atelier cannot read; update the app or ingest again.`,
    )
  }
  if (!Array.isArray(index.images) || index.images.length !== index.count) {
    throw new EngineError(
      'failed',
      `${files.index} is damaged (it lists ${index.images?.length} images but says ${index.count}); ingest the folder again.`,
    )
  }
  return index
}

/** The index last read by `readDatasetIndexShared`, per project, and its file's inode, size and time. */
const sharedIndexes = new Map<string, { signature: string; index: DatasetIndex }>()

/**
 * The index as `readDatasetIndex` gives it, parsed again only when its file has changed (one stat
 * per call; every write replaces the file): for a reader called on every hover, where a 100k-image
 * index takes tens of milliseconds to parse. The object is shared between callers: read it only.
 */
export async function readDatasetIndexShared(projectDir: string): Promise<DatasetIndex> {
  const path = datasetFiles(projectDir).index
  const info = await stat(path).catch(() => null)
  const signature = info ? `${info.ino} ${info.size} ${info.mtimeMs}` : ''
  const kept = sharedIndexes.get(projectDir)
  if (info && kept?.signature === signature) return kept.index
  const index = await readDatasetIndex(projectDir)
  if (info) sharedIndexes.set(projectDir, { signature, index })
  return index
}

/** Opens a project's pixels file for reading, with a message for the user when it cannot. */
export async function openPixels(projectDir: string): Promise<FileHandle> {
  const path = datasetFiles(projectDir).pixels
  try {
    return await open(path, 'r')
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT'
    throw new EngineError(
      missing ? 'not_found' : 'failed',
      missing
        ? `The dataset's images (${path}) are not there yet: an ingest may still be making them. Wait for it, or ingest the folder again.`
        : `Cannot read ${path} (${(error as Error).message}); ingest the folder again to rebuild it.`,
    )
  }
}

/** Reads a project's dataset (index and pixels), checking that the two belong together. */
export async function readDataset(projectDir: string): Promise<Dataset> {
  const index = await readDatasetIndex(projectDir)
  const files = datasetFiles(projectDir)
  const expected = index.count * imageBytes(index.size)
  const pixels = new Uint8Array(expected)
  const hash = createHash('sha1')
  const handle = await openPixels(projectDir)
  try {
    const { size } = await handle.stat()
    if (size !== expected || size !== index.pixelBytes) {
      throw new EngineError(
        'failed',
        `${files.pixels} has ${size} bytes but its index expects ${expected}; the dataset is inconsistent (an interrupted write?). Ingest the folder again.`,
      )
    }
    // fs.readFile stops at 2 GiB; read in chunks straight into the one buffer.
    const chunk = 64 * 1024 * 1024
    let offset = 0
    while (offset < expected) {
      const { bytesRead } = await handle.read(
        pixels,
        offset,
        Math.min(chunk, expected - offset),
        offset,
      )
      if (bytesRead === 0) break
      hash.update(pixels.subarray(offset, offset + bytesRead))
      offset += bytesRead
    }
    if (offset !== expected) {
      throw new EngineError('failed', `${files.pixels} ended early; ingest the folder again.`)
    }
  } finally {
    await handle.close()
  }
  if (hash.digest('hex') !== index.pixelHash) {
    throw new EngineError(
      'failed',
      `${files.pixels} does not match its index (an interrupted write?); ingest the folder again.`,
    )
  }
  return {
    size: index.size,
    count: index.count,
    images: index.images,
    pixels,
    labelNames: index.labelNames,
    ...(index.estimatedLabelNames ? { estimatedLabelNames: index.estimatedLabelNames } : {}),
    source: index.source,
  }
}

/**
 * Writes a dataset: pixels first (temp file, flushed, renamed), then the
 * index, which records the pixels' length and hash. A crash in between leaves
 * an index that no longer matches its pixels, which `readDataset` refuses
 * with a clear message rather than serving mixed images.
 */
export async function writeDataset(projectDir: string, dataset: Dataset): Promise<void> {
  const expected = dataset.count * imageBytes(dataset.size)
  if (dataset.images.length !== dataset.count || dataset.pixels.length !== expected) {
    throw new Error(
      `writeDataset: ${dataset.count} images of ${dataset.size}px need ${expected} bytes and ${dataset.count} index entries; got ${dataset.pixels.length} bytes and ${dataset.images.length} entries`,
    )
  }
  const files = datasetFiles(projectDir)
  await mkdir(files.dir, { recursive: true })
  const pixelHash = await writeLargeFileAtomic(files.pixels, dataset.pixels)
  const index: DatasetIndex = {
    format: DATASET_FORMAT,
    size: dataset.size,
    count: dataset.count,
    source: dataset.source,
    labelNames: dataset.labelNames,
    ...(dataset.estimatedLabelNames?.length
      ? { estimatedLabelNames: dataset.estimatedLabelNames }
      : {}),
    pixelBytes: expected,
    pixelHash,
    writtenAt: new Date().toISOString(),
    images: dataset.images,
  }
  // Compact: with 200,000 images and 40 labels each, indentation alone would add 100+ MB.
  await writeFileAtomic(files.index, JSON.stringify(index))
  await updateManifest(projectDir, (manifest) => {
    manifest.dataset = {
      source: dataset.source,
      size: dataset.size,
      count: dataset.count,
      labelNames: dataset.labelNames,
      pixelHash,
    }
  })
}

/**
 * Atomic write in chunks (one write call stops at 2 GiB); returns the sha1 of what it wrote.
 * Each chunk is hashed on this thread while libuv's pool writes it (8,000 64px images: the
 * 85 ms of hashing hidden in the 106 ms of writing).
 */
async function writeLargeFileAtomic(path: string, data: Uint8Array): Promise<string> {
  const hash = createHash('sha1')
  await writeAtomicWith(path, async (handle) => {
    const chunk = 64 * 1024 * 1024
    for (let offset = 0; offset < data.length; offset += chunk) {
      const part = data.subarray(offset, Math.min(data.length, offset + chunk))
      const writing = writeWhole(handle, part)
      hash.update(part)
      await writing
    }
  })
  return hash.digest('hex')
}

async function writeWhole(handle: FileHandle, part: Uint8Array): Promise<void> {
  let written = 0
  while (written < part.length) {
    const { bytesWritten } = await handle.write(part, written, part.length - written)
    written += bytesWritten
  }
}
