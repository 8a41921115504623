import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import type * as FaceApi from '@vladmandic/face-api/dist/face-api.node-wasm.js'
import type { Point } from './align'

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
/** The tiny detector's input side: 320 finds the faces of ordinary photos at ~160 ms on one wasm thread. */
const DETECTOR_INPUT = 320

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
 * landmarks, expression, age and gender, largest first. Coordinates are
 * divided by `scale` (the photo's shrink), so they are in original pixels.
 */
export function detectFaces(
  rgb: Uint8Array,
  width: number,
  height: number,
  scale = 1,
): Promise<DetectedFace[]> {
  const run = queue.then(async () => {
    const api = await faceApi()
    const input = tf.tensor3d(rgb, [height, width, 3], 'int32')
    try {
      const options = new api.TinyFaceDetectorOptions({
        inputSize: DETECTOR_INPUT,
        scoreThreshold: MIN_FACE_SCORE,
      })
      const found = await api
        .detectAllFaces(input as unknown as FaceApi.TNetInput, options)
        .withFaceLandmarks()
        .withFaceExpressions()
        .withAgeAndGender()
      return found
        .map((face) => toDetectedFace(face, 1 / scale))
        .sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height)
    } finally {
      input.dispose()
    }
  })
  queue = run.catch(() => undefined)
  return run
}

type FullFace = Awaited<
  ReturnType<
    ReturnType<
      ReturnType<
        ReturnType<FaceApiModule['detectAllFaces']>['withFaceLandmarks']
      >['withFaceExpressions']
    >['withAgeAndGender']
  >
>[number]

function toDetectedFace(face: FullFace, k: number): DetectedFace {
  const points = face.landmarks.positions
  const at = (i: number): Point => ({ x: points[i].x * k, y: points[i].y * k })
  const mean = (from: number, to: number): Point => {
    let x = 0
    let y = 0
    for (let i = from; i <= to; i++) {
      x += points[i].x
      y += points[i].y
    }
    const n = to - from + 1
    return { x: (x / n) * k, y: (y / n) * k }
  }
  const box = face.detection.box
  const expressions = {} as Record<Expression, number>
  for (const name of EXPRESSIONS) expressions[name] = face.expressions[name]
  return {
    box: { x: box.x * k, y: box.y * k, width: box.width * k, height: box.height * k },
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
