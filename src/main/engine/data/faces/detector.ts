import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import type * as FaceApi from '@vladmandic/face-api/dist/face-api.node-wasm.js'
import type { Point } from './align'
import { detectOnThread, findsFacesOnThread } from './detector-thread'

/** The expression classes face-api's expression model names, in its order. */
export const EXPRESSIONS = [
  'neutral',
  'happy',
  'sad',
  'angry',
  'fearful',
  'disgusted',
  'surprised',
] as const
export type Expression = (typeof EXPRESSIONS)[number]

/** Faces scored lower by the tiny detector are not faces. */
export const MIN_FACE_SCORE = 0.5

/**
 * One look of the tiny detector: the side it shrinks (or stretches) the photo to,
 * and the share of the photo's long side mirrored onto each edge before it looks.
 */
export interface DetectorLook {
  inputSize: number
  pad: number
}

/** Photos up to this long side (as the detector gets them) are small: the detector looks at 160 first. */
export const SMALL_PHOTO = 320

/**
 * The detector's looks at a photo, in turn until one finds a face. 320 finds the
 * faces of ordinary photos; a face that fills the photo (a tight crop, such as
 * UTKFace's 200 px chips) is larger than the detector's biggest anchor there, and
 * 160 finds it; a face cut by the photo's edge is found once the photo is mirrored
 * half its long side past each edge. A small photo is looked at 160 first, at a
 * quarter of the cost. Measured (wasm, load 30): on 326 UTKFace chips 320 alone
 * finds 139 faces (43%), these looks 313 (96%) at half the detector time; on 200
 * pasted CelebA faces at 320x320, 194 and 199 (99.5%), at 0.56x the time.
 * SSD MobileNet v1 found 69 of 163 chips at 3.3x the tiny detector's time: not used.
 */
export function detectorLooks(width: number, height: number): readonly DetectorLook[] {
  const mirrored = { inputSize: 320, pad: 0.5 }
  return Math.max(width, height) <= SMALL_PHOTO
    ? [{ inputSize: 160, pad: 0 }, { inputSize: 320, pad: 0 }, mirrored]
    : [{ inputSize: 320, pad: 0 }, { inputSize: 160, pad: 0 }, mirrored]
}

/** Runs `look` with each of `looks` in turn and returns the first faces found, with the look that found them. */
export async function firstFound<T>(
  looks: readonly DetectorLook[],
  look: (at: DetectorLook) => Promise<T[]>,
): Promise<{ found: T[]; look: DetectorLook } | undefined> {
  for (const at of looks) {
    const found = await look(at)
    if (found.length > 0) return { found, look: at }
  }
  return undefined
}

/** One face as the detector saw it, in the photo's own pixels (after EXIF orientation). */
export interface DetectedFace {
  box: { x: number; y: number; width: number; height: number }
  score: number
  /** Eye centres (mean of each eye's six landmarks), nose tip and mouth corners: what alignment and the hover card use. */
  landmarks: { leftEye: Point; rightEye: Point; nose: Point; mouthLeft: Point; mouthRight: Point }
  expressions: Record<Expression, number>
  age: number
  gender: 'male' | 'female'
  genderProbability: number
}

type FaceApiModule = typeof FaceApi
let loading: Promise<FaceApiModule> | null = null
/** One detection at a time: the models share the engine's one tfjs instance, and memory stays flat. */
let queue: Promise<unknown> = Promise.resolve()

/**
 * Loads face-api on the engine's tfjs instance (its no-bundle build requires the
 * same `@tensorflow/tfjs-core`, so it runs on whatever backend the engine chose)
 * and the four models ingest uses, from the weights its npm package ships.
 */
function faceApi(): Promise<FaceApiModule> {
  loading ??= (async () => {
    const require = createRequire(import.meta.url)
    const api = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApiModule
    const weights = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model')
    await api.nets.tinyFaceDetector.loadFromDisk(weights)
    await api.nets.faceLandmark68Net.loadFromDisk(weights)
    await api.nets.faceExpressionNet.loadFromDisk(weights)
    await api.nets.ageGenderNet.loadFromDisk(weights)
    return api
  })()
  loading.catch(() => {
    loading = null
  })
  return loading
}

/**
 * Finds the faces in an RGB photo (`height` x `width` x 3 bytes), with their
 * landmarks, expression, age and gender, largest first: the detector looks as
 * `looks` say until it finds one. Coordinates are divided by `scale` (the
 * photo's shrink), so they are in original pixels.
 */
export function detectFaces(
  rgb: Uint8Array,
  width: number,
  height: number,
  scale = 1,
  looks: readonly DetectorLook[] = detectorLooks(width, height),
): Promise<DetectedFace[]> {
  if (findsFacesOnThread()) return detectOnThread({ rgb, width, height, scale, looks })
  const run = queue.then(async () => {
    const api = await faceApi()
    const photo = tf.tensor3d(rgb, [height, width, 3], 'int32')
    const padded: tf.Tensor3D[] = []
    try {
      const seen = await firstFound(looks, async ({ inputSize, pad }) => {
        const border = Math.min(Math.round(pad * Math.max(width, height)), width - 1, height - 1)
        const input =
          border > 0
            ? tf.mirrorPad(
                photo,
                [
                  [border, border],
                  [border, border],
                  [0, 0],
                ],
                'reflect',
              )
            : photo
        if (input !== photo) padded.push(input)
        const options = new api.TinyFaceDetectorOptions({
          inputSize,
          scoreThreshold: MIN_FACE_SCORE,
        })
        // run(), not await: face-api's tasks are thenables that drop their rejections.
        const boxes = await api.detectAllFaces(input as unknown as FaceApi.TNetInput, options).run()
        return boxes.map((detection) => ({ detection, input, border }))
      })
      const faces: DetectedFace[] = []
      for (const { detection, input, border } of seen?.found ?? []) {
        const face = await describeFace(api, input, detection)
        if (face) faces.push(toDetectedFace(face, border, 1 / scale))
      }
      return faces.sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height)
    } finally {
      photo.dispose()
      for (const t of padded) t.dispose()
    }
  })
  queue = run.catch(() => undefined)
  return run
}

interface DescribedFace {
  detection: FaceApi.FaceDetection
  landmarks: FaceApi.FaceLandmarks68
  expressions: FaceApi.FaceExpressions
  age: number
  gender: string
  genderProbability: number
}

/**
 * The 68 landmarks on the detector's box, then expression and age/gender from one
 * crop of the box the landmarks align (what face-api's chained tasks do, with one
 * crop for both nets instead of one each). Undefined when the box is off the photo.
 */
async function describeFace(
  api: FaceApiModule,
  input: tf.Tensor3D,
  detection: FaceApi.FaceDetection,
): Promise<DescribedFace | undefined> {
  const image = input as unknown as FaceApi.tf.Tensor3D
  const [box] = await api.extractFaceTensors(image, [detection])
  if (!box) return undefined
  const unshifted = (await api.nets.faceLandmark68Net
    .detectLandmarks(box)
    .finally(() => box.dispose())) as FaceApi.FaceLandmarks68
  const { landmarks, alignedRect } = api.extendWithFaceLandmarks({ detection }, unshifted)
  const [aligned] = await api.extractFaceTensors(image, [alignedRect])
  if (!aligned) return undefined
  try {
    const expressions = (await api.nets.faceExpressionNet.predictExpressions(
      aligned,
    )) as FaceApi.FaceExpressions
    const estimate = (await api.nets.ageGenderNet.predictAgeAndGender(
      aligned,
    )) as FaceApi.AgeAndGenderPrediction
    return { detection, landmarks, expressions, ...estimate }
  } finally {
    aligned.dispose()
  }
}

/** A described face in original photo pixels: `border` mirrored pixels taken off, then times `k`. */
function toDetectedFace(face: DescribedFace, border: number, k: number): DetectedFace {
  const points = face.landmarks.positions
  const at = (i: number): Point => ({
    x: (points[i].x - border) * k,
    y: (points[i].y - border) * k,
  })
  const mean = (from: number, to: number): Point => {
    let x = 0
    let y = 0
    for (let i = from; i <= to; i++) {
      x += points[i].x
      y += points[i].y
    }
    const n = to - from + 1
    return { x: (x / n - border) * k, y: (y / n - border) * k }
  }
  const box = face.detection.box
  const expressions = {} as Record<Expression, number>
  for (const name of EXPRESSIONS) expressions[name] = face.expressions[name]
  return {
    box: {
      x: (box.x - border) * k,
      y: (box.y - border) * k,
      width: box.width * k,
      height: box.height * k,
    },
    score: face.detection.score,
    // 68-point scheme: 36-41 and 42-47 are the eyes, 30 the nose tip, 48 and 54 the mouth corners.
    landmarks: {
      leftEye: mean(36, 41),
      rightEye: mean(42, 47),
      nose: at(30),
      mouthLeft: at(48),
      mouthRight: at(54),
    },
    expressions,
    age: face.age,
    gender: face.gender === 'male' ? 'male' : 'female',
    genderProbability: face.genderProbability,
  }
}
