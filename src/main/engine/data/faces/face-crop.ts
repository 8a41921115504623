import sharp from 'sharp'
import type { FaceRecord } from '@shared/contract'
import { ImageRejected, MAX_INPUT_PIXELS, preprocessImage } from '../decode'
import { alignmentTransform, similarityScale } from './align'
import type { EstimatedLabels } from '../labels/types'
import type { ImagePipeline } from '../pipeline'
import { detectFaces, type DetectedFace } from './detector'
import { faceEstimates } from './estimates'
import { resampleAligned, type RgbImage } from './resample'

/** The detector sees photos shrunk to this long side at most (12 MP JPEGs shrink on load). */
const DETECTION_SIDE = 640

/** What to do with a photo in which no face is found. */
export type NoFaceChoice = 'skip' | 'center'

/** One file's image for a `face` dataset. */
export interface FaceCrop {
  pixels: Uint8Array
  /** The face it shows, or absent for a centre crop of a photo without one. */
  face?: FaceRecord
  /** Estimated labels from the face (expression, age, gender). */
  estimated?: EstimatedLabels
}

/**
 * The ingest pipeline of the `face` crop for one file: `known` is the face an
 * earlier ingest found in the same content (then nothing is detected again).
 */
export function facePipeline(
  noFace: NoFaceChoice,
  known?: { face?: FaceRecord; estimated?: EstimatedLabels },
): ImagePipeline {
  return async ({ content, size }) => {
    const crop = await cropFace(
      content,
      size,
      noFace,
      known?.face ? { face: known.face, estimated: known.estimated } : undefined,
    )
    return {
      pixels: crop.pixels,
      ...(crop.face ? { face: crop.face } : {}),
      ...(crop.estimated ? { estimatedLabels: crop.estimated } : {}),
    }
  }
}

/**
 * Finds the largest confident face in a photo (or takes `known`, the face an
 * earlier ingest found in the same file, without detecting again), levels its
 * eyes and places it in CelebA's aligned framing at `size` x `size`. A photo
 * without a face is refused (`ImageRejected`) or centre-cropped, as `noFace` says.
 */
export async function cropFace(
  input: Uint8Array,
  size: number,
  noFace: NoFaceChoice,
  known?: { face: FaceRecord; estimated?: EstimatedLabels },
): Promise<FaceCrop> {
  const { width, height } = await orientedSize(input)
  let face = known?.face
  let estimated = known?.estimated
  if (!face) {
    const best = await largestFace(input, Math.max(width, height))
    if (!best) {
      if (noFace === 'center') return { pixels: await preprocessImage(input, size, 'center') }
      throw new ImageRejected(
        'no face found (choose "centre crop" for photos without a face to keep them)',
      )
    }
    face = faceRecord(best)
    estimated = faceEstimates(best)
  }
  const transform = alignmentTransform(face.leftEye, face.rightEye)
  // Decode just sharp enough for two samples per output pixel; the final resize filters the rest.
  const scale = Math.min(1, (2 * size) / similarityScale(transform))
  const photo = await decodeRgb(input, scale)
  const { pixels, reflected } = await resampleAligned(photo, transform, size)
  return { pixels, face: { ...face, ...(reflected ? { reflected } : {}) }, estimated }
}

/**
 * The largest confident face in a photo (its long side `side` pixels, or read from it),
 * seen shrunk to `DETECTION_SIDE`; undefined when there is none. Throws `ImageRejected`
 * when the photo cannot be decoded or the detector fails on it.
 */
export async function largestFace(
  input: Uint8Array,
  side?: number,
): Promise<DetectedFace | undefined> {
  let long = side
  if (long === undefined) {
    const { width, height } = await orientedSize(input)
    long = Math.max(width, height)
  }
  const detection = await decodeRgb(input, Math.min(1, DETECTION_SIDE / long))
  try {
    const found = await detectFaces(
      detection.data,
      detection.width,
      detection.height,
      detection.scale,
    )
    return found[0]
  } catch (error) {
    throw new ImageRejected(`the face detector failed (${(error as Error).message})`)
  }
}

/** A detection as the dataset index keeps it: coordinates to a tenth of a pixel. */
function faceRecord(face: DetectedFace): FaceRecord {
  const p = (point: { x: number; y: number }) => ({ x: round1(point.x), y: round1(point.y) })
  const { box, landmarks } = face
  return {
    box: {
      x: round1(box.x),
      y: round1(box.y),
      width: round1(box.width),
      height: round1(box.height),
    },
    score: Math.round(face.score * 1000) / 1000,
    leftEye: p(landmarks.leftEye),
    rightEye: p(landmarks.rightEye),
    nose: p(landmarks.nose),
    mouthLeft: p(landmarks.mouthLeft),
    mouthRight: p(landmarks.mouthRight),
  }
}

function round1(v: number): number {
  return Math.round(v * 10) / 10
}

function sharpOf(input: Uint8Array) {
  return sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'truncated', pages: 1 })
}

async function orientedSize(input: Uint8Array): Promise<{ width: number; height: number }> {
  try {
    const meta = await sharpOf(input).metadata()
    const width = meta.autoOrient?.width ?? meta.width ?? 0
    const height = meta.autoOrient?.height ?? meta.height ?? 0
    if (width < 1 || height < 1) throw new ImageRejected('image has no pixels')
    return { width, height }
  } catch (error) {
    if (error instanceof ImageRejected) throw error
    throw new ImageRejected(`cannot decode image (${firstLine(error)})`)
  }
}

/** The photo upright, over white, as RGB bytes shrunk by `scale` (<= 1; JPEGs shrink while decoding). */
async function decodeRgb(input: Uint8Array, scale: number): Promise<RgbImage> {
  const { width, height } = await orientedSize(input)
  let pipeline = sharpOf(input).autoOrient().flatten({ background: '#ffffff' })
  const w = Math.max(1, Math.round(width * scale))
  const h = Math.max(1, Math.round(height * scale))
  if (w !== width || h !== height)
    pipeline = pipeline.resize(w, h, { fit: 'fill', kernel: 'lanczos3' })
  try {
    const { data, info } = await pipeline
      .toColourspace('srgb')
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true })
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.length),
      width: info.width,
      height: info.height,
      scale: info.width / width,
    }
  } catch (error) {
    throw new ImageRejected(`cannot decode image (${firstLine(error)})`)
  }
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error)
    .split('\n')[0]
    .slice(0, 200)
}
