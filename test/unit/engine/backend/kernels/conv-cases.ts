import * as tf from '@tensorflow/tfjs-core'
import { backend_util } from '@tensorflow/tfjs-core'
import { expect } from 'vitest'
import { mulberry32 } from '../../../../../src/main/engine/random'

/** Deterministic pseudo-random numbers, so a failing case can be rerun. */
export const random = mulberry32

/** A 2D convolution's geometry, as the gradient kernels receive it. */
export interface ConvCase {
  name: string
  xShape: [number, number, number, number]
  filterShape: [number, number, number, number]
  dyShape: [number, number, number, number]
  strides: [number, number]
  pad:
    | 'same'
    | 'valid'
    | number
    | [[number, number], [number, number], [number, number], [number, number]]
  dataFormat: 'NHWC' | 'NCHW'
}

export function randomValues(size: number, rand: () => number): Float32Array {
  return Float32Array.from({ length: size }, () => rand() * 2 - 1)
}

export function makeCase(
  xShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  strides: [number, number],
  pad: ConvCase['pad'],
  dataFormat: ConvCase['dataFormat'] = 'NHWC',
): ConvCase {
  const info = backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    strides,
    1,
    pad,
    undefined,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  )
  const dyShape = info.outShape
  const name = `x ${xShape} f ${filterShape} s ${strides} pad ${JSON.stringify(pad)} ${dataFormat}`
  return { name, xShape, filterShape, dyShape, strides, pad, dataFormat }
}

/** Hand-picked cases (the benchmark model's layers in small) plus seeded random ones. */
export function convCases(count: number, seed: number): ConvCase[] {
  const cases: ConvCase[] = [
    makeCase([2, 8, 8, 3], [4, 4, 3, 5], [2, 2], 'same'),
    makeCase([2, 7, 9, 2], [4, 4, 2, 3], [2, 2], 'same'),
    makeCase([3, 9, 7, 4], [3, 3, 4, 2], [2, 2], 'valid'),
    makeCase([1, 6, 6, 1], [3, 3, 1, 1], [1, 1], 'same'),
    makeCase([2, 5, 5, 3], [5, 5, 3, 4], [1, 1], 'valid'),
    makeCase([2, 11, 10, 2], [3, 2, 2, 3], [3, 2], 'same'),
    makeCase([2, 9, 9, 2], [2, 2, 2, 2], [3, 3], 'valid'),
    makeCase([2, 6, 7, 3], [3, 3, 3, 2], [2, 1], 1),
    makeCase(
      [2, 6, 7, 3],
      [3, 3, 3, 2],
      [1, 2],
      [
        [0, 0],
        [2, 0],
        [0, 1],
        [0, 0],
      ],
    ),
    makeCase([2, 3, 8, 8], [4, 4, 3, 2], [2, 2], 'same', 'NCHW'),
  ]
  const rand = random(seed)
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1))
  while (cases.length < count + 10) {
    const fh = int(1, 5)
    const fw = int(1, 5)
    const pad = rand() < 0.5 ? 'same' : 'valid'
    const h = int(pad === 'valid' ? fh : 1, 12)
    const w = int(pad === 'valid' ? fw : 1, 12)
    const s = int(1, 3)
    const ci = int(1, 5)
    cases.push(makeCase([int(1, 3), h, w, ci], [fh, fw, ci, int(1, 5)], [s, s], pad))
  }
  return cases
}

/** max |actual - expected| / max |expected| (absolute error when expected is all zero). */
export function relativeError(actual: Float32Array, expected: Float32Array): number {
  if (actual.length !== expected.length) return Infinity
  let maxDiff = 0
  let maxRef = 0
  for (let i = 0; i < expected.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]))
    maxRef = Math.max(maxRef, Math.abs(expected[i]))
  }
  return maxRef === 0 ? maxDiff : maxDiff / maxRef
}

/** Runs `make` on a backend and returns its values; tensors and backend buffers must not leak. */
export async function valuesOn(backend: string, make: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(backend)
  const before = tf.memory().numTensors
  const dataBefore = tf.engine().backend.numDataIds()
  const result = tf.tidy(make)
  const copy = Float32Array.from(result.dataSync())
  result.dispose()
  expect(tf.memory().numTensors).toBe(before)
  expect(tf.engine().backend.numDataIds()).toBe(dataBefore)
  return copy
}

/** Runs the kernel `name` directly on the current backend. */
export function kernel(name: string, inputs: tf.NamedTensorMap, attrs: object): tf.Tensor {
  return tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor
}
