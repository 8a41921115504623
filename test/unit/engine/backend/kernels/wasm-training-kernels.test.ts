import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-backend-wasm'
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  isProjectKernel,
  registerWasmTrainingKernels,
} from '../../../../../src/main/engine/backend/kernels'
import { forceTransposedConvStrategy } from '../../../../../src/main/engine/backend/kernels/transposed-conv'
import {
  clearSubFilterCache,
  subFilterCacheSize,
} from '../../../../../src/main/engine/backend/kernels/sub-filter-cache'
import {
  convCases,
  kernel,
  random,
  randomValues,
  relativeError,
  valuesOn,
  type ConvCase,
} from './conv-cases'

// The reference is the cpu backend's own kernels: this file never registers the cpu ones.
const TOLERANCE = 1e-4

async function on<T>(backend: string, compute: () => T): Promise<T> {
  await tf.setBackend(backend)
  return compute()
}

function filterGradient(c: ConvCase, x: Float32Array, dy: Float32Array): () => tf.Tensor {
  return () =>
    kernel(
      'Conv2DBackpropFilter',
      { x: tf.tensor(x, c.xShape), dy: tf.tensor(dy, c.dyShape) },
      { strides: c.strides, pad: c.pad, dataFormat: c.dataFormat, filterShape: c.filterShape },
    )
}

function inputGradient(c: ConvCase, dy: Float32Array, w: Float32Array): () => tf.Tensor {
  return () =>
    kernel(
      'Conv2DBackpropInput',
      { dy: tf.tensor(dy, c.dyShape), filter: tf.tensor(w, c.filterShape) },
      { strides: c.strides, pad: c.pad, dataFormat: c.dataFormat, inputShape: c.xShape },
    )
}

const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1)

beforeAll(async () => {
  await tf.setBackend('wasm')
  registerWasmTrainingKernels()
})

describe('wasm training kernels', () => {
  it('registers the project kernels, once', () => {
    registerWasmTrainingKernels()
    const names = ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'BatchMatMul', 'Sum']
    for (const name of [...names, 'Conv2D', 'FusedConv2D', 'Identity', 'Mean', 'Tile']) {
      expect(isProjectKernel(name, 'wasm')).toBe(true)
    }
    expect(isProjectKernel('Conv2DBackpropFilter', 'cpu')).toBe(false)
  })

  const cases = convCases(30, 20240611)
  it.each(cases.map((c) => [c.name, c] as const))('Conv2DBackpropFilter %s', async (_, c) => {
    const rand = random(size(c.xShape))
    const x = randomValues(size(c.xShape), rand)
    const dy = randomValues(size(c.dyShape), rand)
    const expected = await valuesOn('cpu', filterGradient(c, x, dy))
    const actual = await valuesOn('wasm', filterGradient(c, x, dy))
    expect(relativeError(actual, expected)).toBeLessThanOrEqual(TOLERANCE)
  })

  describe.each(['perPhase', 'stacked', null] as const)(
    'Conv2DBackpropInput, strategy %s',
    (strategy) => {
      beforeAll(() => forceTransposedConvStrategy(strategy))
      afterAll(() => forceTransposedConvStrategy(null))
      it.each(cases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
        const rand = random(size(c.dyShape) + 7)
        const dy = randomValues(size(c.dyShape), rand)
        const w = randomValues(size(c.filterShape), rand)
        const expected = await valuesOn('cpu', inputGradient(c, dy, w))
        const actual = await valuesOn('wasm', inputGradient(c, dy, w))
        expect(relativeError(actual, expected)).toBeLessThanOrEqual(TOLERANCE)
      })
    },
  )

  it.each([
    [[5, 7], [7, 3], false, false],
    [[7, 5], [7, 3], true, false],
    [[5, 7], [3, 7], false, true],
    [[7, 5], [3, 7], true, true],
    [[2, 7, 5], [2, 3, 7], true, true],
    [[64, 4096], [64, 32], true, false],
  ] as const)('BatchMatMul %j x %j transposeA %s transposeB %s', async (aShape, bShape, tA, tB) => {
    const rand = random(size([...aShape]) + size([...bShape]))
    const a = randomValues(size([...aShape]), rand)
    const b = randomValues(size([...bShape]), rand)
    const product = (): tf.Tensor =>
      tf.matMul(tf.tensor(a, [...aShape]), tf.tensor(b, [...bShape]), tA, tB)
    const expected = await valuesOn('cpu', product)
    const actual = await valuesOn('wasm', product)
    expect(relativeError(actual, expected)).toBeLessThanOrEqual(TOLERANCE)
  })

  it.each([
    [[6, 5, 7, 16], [0, 1, 2], false],
    [[6, 5, 7, 16], [2, 0, 1], true],
    [[3, 33, 31, 16], [0, 1, 2], false],
    [[1, 64, 64, 8], [0, 1, 2], true],
    [[300, 9], [0], false],
    [[6, 5, 7, 3], [0, 1, 2], false],
    [[6, 5, 7, 16], [1, 2], false],
    [[6, 5, 7, 16], [3], true],
    [[6, 5, 7, 16], undefined, false],
  ] as const)('Sum %j over axes %j keepDims %s', async (shape, axis, keepDims) => {
    const values = randomValues(size([...shape]), random(size([...shape])))
    const total = (): tf.Tensor =>
      tf.sum(tf.tensor(values, [...shape]), axis === undefined ? undefined : [...axis], keepDims)
    const expected = await valuesOn('cpu', total)
    const actual = await valuesOn('wasm', total)
    expect(relativeError(actual, expected)).toBeLessThanOrEqual(TOLERANCE)
    const shapeOn = async (backend: string): Promise<number[]> =>
      on(backend, () => tf.tidy(() => total().shape))
    expect(await shapeOn('wasm')).toEqual(await shapeOn('cpu'))
  })

  it('gives a small conv net the same gradients as cpu, without leaking tensors', async () => {
    const rand = random(99)
    const shapes = [
      [3, 3, 3, 4],
      [4, 4, 4, 6],
      [4, 4, 3, 6],
      [48, 5],
    ]
    const values = shapes.map((s) => randomValues(size(s), rand))
    const x = randomValues(2 * 7 * 8 * 3, rand)
    const gradients = (): tf.Tensor => {
      const loss = (w1: tf.Tensor, w2: tf.Tensor, wd: tf.Tensor, wm: tf.Tensor): tf.Scalar => {
        const input = tf.tensor4d(x, [2, 7, 8, 3])
        const h1 = tf.relu(tf.conv2d(input, w1 as tf.Tensor4D, 2, 'same')) // [2, 4, 4, 4]
        const h2 = tf.conv2d(h1, w2 as tf.Tensor4D, [2, 1], 'valid') // [2, 1, 1, 6]
        const up = tf.conv2dTranspose(h2, wd as tf.Tensor4D, [2, 4, 4, 3], 4, 'same')
        const dense = tf.matMul(tf.reshape(up, [2, 48]), wm)
        return tf.add(tf.sum(tf.square(dense)), tf.sum(tf.sigmoid(up)))
      }
      const params = shapes.map((s, i) => tf.tensor(values[i], s))
      const grads = tf.grads((...p: tf.Tensor[]) => loss(p[0], p[1], p[2], p[3]))(params)
      return tf.concat(grads.map((g) => tf.reshape(g, [-1])))
    }
    const expected = await valuesOn('cpu', gradients)
    const actual = await valuesOn('wasm', gradients)
    expect(relativeError(actual, expected)).toBeLessThanOrEqual(TOLERANCE)
  })

  describe('sub-filters of a filter used again (decoding)', () => {
    const c = convCases(0, 1)[0] // x [2, 8, 8, 3], filter [4, 4, 3, 5], stride 2, same
    const rand = random(4242)
    const dy = randomValues(size(c.dyShape), rand)
    const w1 = randomValues(size(c.filterShape), rand)
    const w2 = randomValues(size(c.filterShape), rand)
    const attrs = { strides: c.strides, pad: c.pad, dataFormat: c.dataFormat, inputShape: c.xShape }
    const transposed = (filter: tf.Tensor): Float32Array =>
      tf.tidy(() => {
        const out = kernel('Conv2DBackpropInput', { dy: tf.tensor(dy, c.dyShape), filter }, attrs)
        return Float32Array.from(out.dataSync())
      })
    const wasmBackend = (): tf.KernelBackend => tf.findBackend('wasm') as tf.KernelBackend

    afterAll(() => clearSubFilterCache(wasmBackend()))

    it.each(['perPhase', 'stacked'] as const)(
      'are kept while the filter lives, follow a changed variable and are freed after it (%s)',
      async (strategy) => {
        forceTransposedConvStrategy(strategy)
        try {
          const expected1 = await valuesOn('cpu', inputGradient(c, dy, w1))
          const expected2 = await valuesOn('cpu', inputGradient(c, dy, w2))
          await tf.setBackend('wasm')
          clearSubFilterCache(wasmBackend())
          const tensorsBefore = tf.memory().numTensors
          const dataBefore = wasmBackend().numDataIds()
          const filter = tf.tidy(() => tf.variable(tf.tensor(w1, c.filterShape)))
          for (let i = 0; i < 3; i++) {
            expect(relativeError(transposed(filter), expected1)).toBeLessThanOrEqual(TOLERANCE)
          }
          expect(subFilterCacheSize(wasmBackend())).toBe(1)
          // Adam and every optimizer write new values into the same variable.
          tf.tidy(() => filter.assign(tf.tensor(w2, c.filterShape)))
          for (let i = 0; i < 3; i++) {
            expect(relativeError(transposed(filter), expected2)).toBeLessThanOrEqual(TOLERANCE)
          }
          // Even values changed under the same dataId (never done by TF.js) are noticed.
          const heap = (
            wasmBackend() as unknown as { typedArrayFromHeap(t: tf.Tensor): Float32Array }
          ).typedArrayFromHeap(filter)
          heap.set(w1)
          expect(relativeError(transposed(filter), expected1)).toBeLessThanOrEqual(TOLERANCE)
          filter.dispose()
          expect(subFilterCacheSize(wasmBackend())).toBe(0)
          expect(tf.memory().numTensors).toBe(tensorsBefore)
          expect(wasmBackend().numDataIds()).toBe(dataBefore)
        } finally {
          forceTransposedConvStrategy(null)
        }
      },
    )

    it('leave training exact: Adam steps with decoding in between match cpu', async () => {
      const rand2 = random(777)
      const shapes = [
        [8, 4],
        [4, 4, 3, 4],
        [4, 4, 2, 3],
      ]
      const init = shapes.map((s) => randomValues(size(s), rand2))
      const z = randomValues(3 * 8, rand2)
      const target = randomValues(3 * 8 * 8 * 2, rand2)
      const train = (): tf.Tensor => {
        const vars = tf.tidy(() => init.map((v, i) => tf.variable(tf.tensor(v, shapes[i]))))
        const decode = (): tf.Tensor => {
          const h = tf.reshape(
            tf.matMul(tf.tensor2d(z, [3, 8]), vars[0]),
            [3, 1, 1, 4],
          ) as tf.Tensor4D
          const up1 = tf.relu<tf.Tensor4D>(
            tf.conv2dTranspose(h, vars[1] as tf.Tensor4D, [3, 4, 4, 3], 4, 'same'),
          )
          return tf.conv2dTranspose(up1, vars[2] as tf.Tensor4D, [3, 8, 8, 2], 2, 'same')
        }
        const optimizer = tf.train.adam(0.05)
        const t = tf.tensor4d(target, [3, 8, 8, 2])
        for (let step = 0; step < 4; step++) {
          // Decoding twice between steps, as a preview would: the sub-filters get cached.
          tf.tidy(() => decode().dataSync())
          tf.tidy(() => decode().dataSync())
          optimizer.minimize(() => tf.sum(tf.square(tf.sub(decode(), t))) as tf.Scalar)
        }
        const result = tf.concat([
          ...vars.map((v) => tf.reshape(v, [-1])),
          tf.reshape(decode(), [-1]),
        ])
        optimizer.dispose()
        for (const v of vars) v.dispose()
        return result
      }
      const expected = await valuesOn('cpu', train)
      await tf.setBackend('wasm')
      const actual = await valuesOn('wasm', train)
      expect(relativeError(actual, expected)).toBeLessThanOrEqual(TOLERANCE)
      expect(subFilterCacheSize(wasmBackend())).toBe(0)
    })
  })

  it.each([
    [[6, 5, 7, 16], [0, 1, 2], false],
    [[6, 5, 7, 16], [2, 0, 1], true],
    [[300, 9], [0], false],
    [[6, 5, 7, 3], [0, 1, 2], false],
    [[6, 5, 7, 16], [1, 2], true],
  ] as const)('Mean %j over axes %j keepDims %s', async (shape, axis, keepDims) => {
    const values = randomValues(size([...shape]), random(size([...shape]) + 1))
    const mean = (): tf.Tensor => tf.mean(tf.tensor(values, [...shape]), [...axis], keepDims)
    expect(
      relativeError(await valuesOn('wasm', mean), await valuesOn('cpu', mean)),
    ).toBeLessThanOrEqual(TOLERANCE)
  })

  it.each([
    [[1, 1, 1, 32], [6, 4, 5, 1], 'float32'],
    [[2, 3], [3, 2], 'float32'],
    [[3, 1, 2], [1, 4, 1], 'int32'],
    [[4], [3], 'bool'],
    [[2, 2], [1, 1], 'float32'],
    [[2, 0, 3], [2, 2, 2], 'float32'],
  ] as const)('Tile %j by %j (%s)', async (shape, reps, dtype) => {
    const values = randomValues(size([...shape]), random(size([...shape]) + 2)).map((v) =>
      dtype === 'float32' ? v : Math.round(v * 5),
    )
    const tile = (): tf.Tensor =>
      tf.cast(tf.tile(tf.tensor(values, [...shape], dtype), [...reps]), 'float32')
    const expected = await valuesOn('cpu', tile)
    const actual = await valuesOn('wasm', tile)
    expect(Array.from(actual)).toEqual(Array.from(expected))
  })
})
