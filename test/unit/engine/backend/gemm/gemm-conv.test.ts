import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-backend-wasm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { registerWasmTrainingKernels } from '../../../../../src/main/engine/backend/kernels'
import {
  gemmConv,
  startGemmKernels,
  stopGemmKernels,
} from '../../../../../src/main/engine/backend/gemm'
import {
  convCases,
  makeCase,
  random,
  randomValues,
  kernel,
  relativeError,
  valuesOn,
  type ConvCase,
} from '../kernels/conv-cases'

// The reference is the cpu backend's own kernels.
const TOLERANCE = 1e-4
const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1)

async function agree(make: () => tf.Tensor): Promise<void> {
  const expected = await valuesOn('cpu', make)
  const actual = await valuesOn('wasm', make)
  expect(relativeError(actual, expected)).toBeLessThanOrEqual(TOLERANCE)
}

let note = ''
beforeAll(async () => {
  await tf.setBackend('wasm')
  registerWasmTrainingKernels()
  note = await startGemmKernels(1)
})
afterAll(() => stopGemmKernels())

describe('relaxed-SIMD convolution kernels (wasm, one thread)', () => {
  it('start here (Node 20 turns relaxed SIMD on by flag)', () => {
    expect(note).toMatch(/relaxed-SIMD GEMM kernels on 1 thread$/)
    expect(gemmConv()).not.toBeNull()
  })

  const cases: ConvCase[] = [
    ...convCases(30, 20240611).filter((c) => c.dataFormat === 'NHWC'),
    makeCase([4, 16, 16, 32], [4, 4, 32, 64], [2, 2], 'same'),
    makeCase([3, 8, 8, 13], [4, 4, 13, 11], [2, 2], 'same'),
  ]
  const named = cases.map((c) => [c.name, c] as const)

  it.each(named)('Conv2D %s', async (_, c) => {
    const rand = random(size(c.xShape) + 1)
    const x = randomValues(size(c.xShape), rand)
    const w = randomValues(size(c.filterShape), rand)
    await agree(() =>
      tf.conv2d(
        tf.tensor4d(x, c.xShape),
        tf.tensor4d(w, c.filterShape),
        c.strides,
        c.pad as 'same',
      ),
    )
  })

  it.each(named)('FusedConv2D (bias, leaky ReLU) %s', async (_, c) => {
    const rand = random(size(c.xShape) + 2)
    const x = randomValues(size(c.xShape), rand)
    const w = randomValues(size(c.filterShape), rand)
    const b = randomValues(c.filterShape[3], rand)
    await agree(() =>
      tf.fused.conv2d({
        x: tf.tensor4d(x, c.xShape),
        filter: tf.tensor4d(w, c.filterShape),
        strides: c.strides,
        pad: c.pad as 'same',
        bias: tf.tensor1d(b),
        activation: 'leakyrelu',
        leakyreluAlpha: 0.2,
      }),
    )
  })

  it.each(named)('Conv2DBackpropInput %s', async (_, c) => {
    const rand = random(size(c.dyShape) + 3)
    const dy = randomValues(size(c.dyShape), rand)
    const w = randomValues(size(c.filterShape), rand)
    await agree(() =>
      kernel(
        'Conv2DBackpropInput',
        { dy: tf.tensor(dy, c.dyShape), filter: tf.tensor(w, c.filterShape) },
        { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.xShape },
      ),
    )
  })

  it.each(named)('Conv2DBackpropFilter %s', async (_, c) => {
    const rand = random(size(c.xShape) + 4)
    const x = randomValues(size(c.xShape), rand)
    const dy = randomValues(size(c.dyShape), rand)
    await agree(() =>
      kernel(
        'Conv2DBackpropFilter',
        { x: tf.tensor(x, c.xShape), dy: tf.tensor(dy, c.dyShape) },
        { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filterShape },
      ),
    )
  })
})

describe('one-pass (leaky) ReLU and gradients (wasm, relaxed-SIMD kernels running)', () => {
  it.each([[[3, 5, 7, 2]], [[64, 33]], [[5]]])('match tfjs on cpu for shape %j', async (shape) => {
    const rand = random(size(shape) + 5)
    const x = randomValues(size(shape), rand)
    x[0] = 0 // both gradients at 0 are alpha * dy, as tfjs's are
    const dy = randomValues(size(shape), rand)
    const input = (): tf.Tensor => tf.tensor(x, shape)
    await agree(() => tf.relu(input()))
    await agree(() => tf.grad((t: tf.Tensor) => tf.relu(t))(input(), tf.tensor(dy, shape)))
    await agree(() => tf.leakyRelu(input(), 0.3))
    await agree(() =>
      tf.grad((t: tf.Tensor) => tf.leakyRelu(t, 0.3))(input(), tf.tensor(dy, shape)),
    )
  })
})

describe('one-pass batch normalisation (wasm, relaxed-SIMD kernels running)', () => {
  it.each([
    [[4, 5, 3, 8], true],
    [[4, 5, 3, 8], false],
    [[7, 12], true],
    [[2, 3, 3, 6], true], // channels not a multiple of 4: wasm's own kernel
  ] as const)('matches tfjs on cpu for %j (scale and offset: %s)', async (shape, affine) => {
    const rand = random(size([...shape]) + 6)
    const channels = shape[shape.length - 1] as number
    const x = randomValues(size([...shape]), rand)
    const mean = randomValues(channels, rand)
    const variance = randomValues(channels, rand).map((v) => Math.abs(v) + 0.1)
    const scale = randomValues(channels, rand)
    const offset = randomValues(channels, rand)
    await agree(() =>
      tf.batchNorm(
        tf.tensor(x, [...shape]),
        tf.tensor1d(mean),
        tf.tensor1d(variance),
        affine ? tf.tensor1d(offset) : undefined,
        affine ? tf.tensor1d(scale) : undefined,
        0.001,
      ),
    )
  })
})

describe('one-pass arithmetic (wasm, relaxed-SIMD kernels running)', () => {
  const ops = {
    add: tf.add,
    sub: tf.sub,
    mul: tf.mul,
    div: tf.div,
  }
  it.each([
    [
      [4, 3, 5, 8],
      [4, 3, 5, 8],
    ],
    [
      [3, 7],
      [3, 7],
    ], // 21 floats: a tail after the groups of 4
    [
      [4, 6, 6, 3],
      [1, 1, 1, 3],
    ], // a 3-channel bias: patterns of 12 floats
    [[32], [4, 5, 5, 32]], // the vector on the left
    [[4, 5, 5, 32], []], // a scalar
    [
      [5, 1],
      [1, 6],
    ], // an outer broadcast: tfjs's own kernel
  ] as const)('matches tfjs on cpu for %j op %j', async (aShape, bShape) => {
    const rand = random(size([...aShape]) + size([...bShape]) + 7)
    const a = randomValues(size([...aShape]), rand)
    const b = randomValues(size([...bShape]), rand).map((v) => v + Math.sign(v) * 0.5)
    for (const op of Object.values(ops)) {
      await agree(() => op(tf.tensor(a, [...aShape]), tf.tensor(b, [...bShape])))
    }
  })
})

describe('packed filters kept for decoding', () => {
  it('give the same results on every call, and follow a new filter', async () => {
    const c = makeCase([1, 8, 8, 16], [4, 4, 16, 24], [2, 2], 'same')
    const rand = random(99)
    const dy = randomValues(size(c.dyShape), rand)
    const first = randomValues(size(c.filterShape), rand)
    const second = randomValues(size(c.filterShape), rand)
    const transposed = (w: Float32Array) => (): tf.Tensor =>
      tf.conv2dTranspose(
        tf.tensor4d(dy, c.dyShape),
        tf.tensor4d(w, c.filterShape),
        c.xShape,
        2,
        'same',
      )
    for (const w of [first, second]) {
      const expected = await valuesOn('cpu', transposed(w))
      await tf.setBackend('wasm')
      const filter = tf.tensor4d(w, c.filterShape)
      const decode = (): tf.Tensor =>
        tf.conv2dTranspose(tf.tensor4d(dy, c.dyShape), filter, c.xShape, 2, 'same')
      // First call packs into scratch, the second keeps the packing, the third reuses it.
      for (let call = 0; call < 3; call++) {
        const actual = await valuesOn('wasm', decode)
        expect(relativeError(actual, expected)).toBeLessThanOrEqual(TOLERANCE)
      }
      filter.dispose()
    }
  })
})

describe('dense products (wasm, relaxed-SIMD kernels running)', () => {
  it.each([
    [[5, 7], [7, 3], false, false],
    [[7, 5], [7, 3], true, false],
    [[5, 7], [3, 7], false, true],
    [[7, 5], [3, 7], true, true],
    [[64, 96], [64, 40], true, false],
    [[1, 32], [32, 4096], false, false],
    [[2, 7, 5], [2, 3, 7], true, true], // two batches: wasm's own product
  ] as const)(
    '%j x %j (transposeA %s, transposeB %s), plain and fused',
    async (aShape, bShape, tA, tB) => {
      const rand = random(size([...aShape]) + size([...bShape]) + 8)
      const a = randomValues(size([...aShape]), rand)
      const b = randomValues(size([...bShape]), rand)
      const columns = bShape[tB ? bShape.length - 2 : bShape.length - 1] as number
      const bias = randomValues(columns, rand)
      const operands = (): [tf.Tensor, tf.Tensor] => [
        tf.tensor(a, [...aShape]),
        tf.tensor(b, [...bShape]),
      ]
      await agree(() => tf.matMul(...operands(), tA, tB))
      await agree(() => {
        const [x, y] = operands()
        return tf.fused.matMul({
          a: x,
          b: y,
          transposeA: tA,
          transposeB: tB,
          bias: tf.tensor1d(bias),
          activation: 'relu',
        })
      })
    },
  )
})

describe('sums and means over leading axes (wasm, relaxed-SIMD kernels running)', () => {
  it.each([
    [
      [6, 5, 7, 16],
      [0, 1, 2],
    ],
    [[3000, 8], [0]],
    [
      [6, 5, 7, 12],
      [0, 1, 2],
    ],
    [
      [6, 5, 7, 10],
      [0, 1, 2],
    ], // channels not a multiple of 4: the other ways
  ] as const)('match tfjs on cpu for %j over %j', async (shape, axis) => {
    const values = randomValues(size([...shape]), random(size([...shape]) + 9))
    await agree(() => tf.sum(tf.tensor(values, [...shape]), [...axis]))
    await agree(() => tf.mean(tf.tensor(values, [...shape]), [...axis], true))
  })
})

describe("batch norm's gradient (wasm, relaxed-SIMD kernels running)", () => {
  // (tfjs cannot differentiate a batch norm without a scale on any backend: it saves the absent
  // input for the backward pass and fails.)
  // [2, 3, 3, 6]: channels not a multiple of 4, so tfjs's own gradient.
  it.each([[[4, 5, 3, 8]], [[7, 12]], [[2, 3, 3, 6]]] as const)(
    'matches tfjs on cpu for %j, statistics from the batch',
    async (shape) => {
      const rand = random(size([...shape]) + 10)
      const channels = shape[shape.length - 1] as number
      const x = randomValues(size([...shape]), rand)
      const dy = randomValues(size([...shape]), rand)
      const scale = randomValues(channels, rand)
      const offset = randomValues(channels, rand)
      // As tfjs-layers trains: the statistics are the batch's, so their gradients reach x too.
      const axes = shape.slice(0, -1).map((_, i) => i)
      const normalise = (input: tf.Tensor, beta: tf.Tensor, gamma: tf.Tensor): tf.Tensor => {
        const { mean, variance } = tf.moments(input, axes)
        return tf.batchNorm(input, mean, variance, beta, gamma, 0.001)
      }
      await agree(() => {
        const inputs = [tf.tensor(x, [...shape]), tf.tensor1d(offset), tf.tensor1d(scale)]
        const grads = tf.grads(normalise)(inputs, tf.tensor(dy, [...shape]))
        return tf.concat(grads.map((g) => tf.reshape(g, [-1])))
      })
    },
  )
})
