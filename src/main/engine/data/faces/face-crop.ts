import sharp, { type Sharp } from 'sharp'
import type { FaceRecord, FacesChoice } from '@shared/contract'
import { ImageRejected, openImage, preprocessImage } from '../decode'
import { alignmentTransform, similarityScale } from './align'
import type { EstimatedLabels } from '../labels/types'
import type { ImagePipeline, PreparedImage } from '../pipeline'
import { detectFaces, type DetectedFace } from './detector'
import { faceEstimates } from './estimates'
import { resampleAligned, type RgbImage } from './resample'

/** The detector sees photos shrunk to this long side at most (12 MP JPEGs shrink on load). */
const DETECTION_SIDE = 640

/** What to do with a photo in which no face is found. */
export type NoFaceChoice = 'skip' | 'center'

/** A face as the dataset index keeps it, with the labels estimated from it. */
export interface FoundFace {
  face: FaceRecord
  estimated?: EstimatedLabels
}

/**
 * The faces an earlier ingest found in the same content, largest first: all of the
 * photo's confident faces when `complete` (a `--faces all` ingest; none for a photo
 * found to show no face), else only its largest.
 */
export interface KnownFaces {
  faces: FoundFace[]
  complete: boolean
}

/** One dataset image of a `face` dataset. */
export interface FaceCrop {
  pixels: Uint8Array
  /** The face it shows, or absent for a centre crop of a photo without one. */
  face?: FaceRecord
  /** Estimated labels from the face (expression, age, gender). */
  estimated?: EstimatedLabels
}

/**
 * The ingest pipeline of the `face` crop for one file: one image (its largest face)
 * or one per confident face, as `faces` says. `known` are the faces an earlier ingest
 * found in the same content; when they answer the question, nothing is detected again.
 */
export function facePipeline(
  noFace: NoFaceChoice,
  faces: FacesChoice,
  known?: KnownFaces,
): ImagePipeline {
  return async ({ content, size }) => {
    const crops = await cropFaces(content, size, { noFace, faces, known })
    return crops.map((crop): PreparedImage => ({
      pixels: crop.pixels,
      ...(crop.face ? { face: crop.face } : {}),
      ...(crop.estimated ? { estimatedLabels: crop.estimated } : {}),
    }))
  }
}

/**
 * Finds the largest confident face in a photo, or each confident face with `faces: 'all'`
 * (largest first), levels its eyes and places it in CelebA's aligned framing at `size` x
 * `size`. Faces in `known` are taken instead of detecting again when they suffice. A photo
 * without a face is refused (`ImageRejected`) or centre-cropped, as `noFace` says.
 */
export async function cropFaces(
  input: Uint8Array,
  size: number,
  options: { noFace: NoFaceChoice; faces?: FacesChoice; known?: KnownFaces },
): Promise<FaceCrop[]> {
  const which = options.faces ?? 'largest'
  const photo = await openPhoto(input)
  const known = knownAnswer(options.known, which)
  const seen = known ? undefined : await detectIn(photo)
  const found = known ?? foundFaces(seen!.faces, which)
  if (found.length === 0) {
    if (options.noFace === 'center')
      return [{ pixels: await preprocessImage(input, size, 'center') }]
    throw new ImageRejected(
      'no face found (choose "centre crop" for photos without a face to keep them)',
      photo.format,
      'no-face',
    )
  }
  const transforms = found.map(({ face }) => alignmentTransform(face.leftEye, face.rightEye))
  // Just sharp enough for two samples per output pixel of the smallest face. The detector's
  // copy serves when it is that sharp: then the photo is decoded once in all.
  const scale = Math.min(1, ...transforms.map((t) => (2 * size) / similarityScale(t)))
  const decoded =
    seen && seen.decoded.scale >= scale
      ? await shrinkRgb(seen.decoded, photo, scale)
      : await decodeRgb(photo, scale)
  const crops: FaceCrop[] = []
  for (const [i, { face, estimated }] of found.entries()) {
    const { pixels, reflected } = await resampleAligned(decoded, transforms[i], size)
    crops.push({ pixels, face: { ...face, ...(reflected ? { reflected } : {}) }, estimated })
  }
  return crops
}

/**
 * The known faces when they answer `which`, else undefined (detect): a complete list of none
 * is a photo known to show no face.
 */
function knownAnswer(known: KnownFaces | undefined, which: FacesChoice): FoundFace[] | undefined {
  if (!known) return undefined
  if (known.complete) return which === 'largest' ? known.faces.slice(0, 1) : known.faces
  return which === 'largest' && known.faces.length > 0 ? known.faces.slice(0, 1) : undefined
}

function foundFaces(detected: DetectedFace[], which: FacesChoice): FoundFace[] {
  return (which === 'all' ? detected : detected.slice(0, 1)).map((d) => ({
    face: faceRecord(d),
    estimated: faceEstimates(d),
  }))
}

/**
 * The largest confident face in a photo, seen shrunk to `DETECTION_SIDE`; undefined
 * when there is none. Throws `ImageRejected` when the photo cannot be decoded or the
 * detector fails on it.
 */
export async function largestFace(input: Uint8Array): Promise<DetectedFace | undefined> {
  return (await detectIn(await openPhoto(input))).faces[0]
}

/**
 * Every confident face of the photo, largest first, in its own (oriented) pixels,
 * and the photo as the detector saw it.
 */
async function detectIn(photo: Photo): Promise<{ faces: DetectedFace[]; decoded: RgbImage }> {
  const detection = await decodeRgb(
    photo,
    Math.min(1, DETECTION_SIDE / Math.max(photo.width, photo.height)),
  )
  try {
    const { data, width, height, scale } = detection
    return { faces: await detectFaces(data, width, height, scale), decoded: detection }
  } catch (error) {
    throw new ImageRejected(`the face detector failed (${firstLine(error)})`, photo.format)
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

/** A photo opened once by its content (sharp, or ImageMagick for BMP and Netpbm), with its upright size. */
interface Photo {
  image: Sharp
  format: string
  width: number
  height: number
}

async function openPhoto(input: Uint8Array): Promise<Photo> {
  const { image, format } = await openImage(input)
  try {
    const meta = await image.metadata()
    const width = meta.autoOrient?.width ?? meta.width ?? 0
    const height = meta.autoOrient?.height ?? meta.height ?? 0
    if (width < 1 || height < 1) throw new ImageRejected('image has no pixels', format)
    return { image, format, width, height }
  } catch (error) {
    if (error instanceof ImageRejected) throw error
    throw new ImageRejected(`cannot decode image (${firstLine(error)})`, format)
  }
}

/** The photo upright, over white, as RGB bytes shrunk by `scale` (<= 1; JPEGs shrink while decoding). */
async function decodeRgb(photo: Photo, scale: number): Promise<RgbImage> {
  const { width, height } = photo
  let pipeline = photo.image.clone().autoOrient().flatten({ background: '#ffffff' })
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
    throw new ImageRejected(`cannot decode image (${firstLine(error)})`, photo.format)
  }
}

/** A decoded photo shrunk further, to `scale` of the photo's upright size (no second decode). */
async function shrinkRgb(decoded: RgbImage, photo: Photo, scale: number): Promise<RgbImage> {
  const w = Math.max(1, Math.round(photo.width * scale))
  const h = Math.max(1, Math.round(photo.height * scale))
  if (w === decoded.width && h === decoded.height) return decoded
  const raw = { width: decoded.width, height: decoded.height, channels: 3 as const }
  const { data, info } = await sharp(decoded.data, { raw })
    .resize(w, h, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true })
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    width: info.width,
    height: info.height,
    scale: info.width / photo.width,
  }
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error)
    .split('\n')[0]
    .slice(0, 200)
}
