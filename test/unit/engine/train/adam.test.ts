import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-backend-wasm'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { registerWasmTrainingKernels } from '../../../../src/main/engine/backend/kernels'
import { startGemmKernels, stopGemmKernels } from '../../../../src/main/engine/backend/gemm'
import { Adam } from '../../../../src/main/engine/train/adam'
import { random, randomValues, relativeError } from '../backend/kernels/conv-cases'

beforeAll(async () => {
  await tf.setBackend('wasm')
  registerWasmTrainingKernels()
  expect(await startGemmKernels(1)).toMatch(/relaxed-SIMD/)
})
afterAll(() => stopGemmKernels())

/** Five Adam steps on a small quadratic; returns the variables and the optimizer's weights. */
async function train(backend: string, a0: Float32Array, b0: Float32Array): Promise<Float32Array> {
  await tf.setBackend(backend)
  const a = tf.variable(tf.tensor(a0, [3, 7])) // 21 floats: not whole groups of 4
  const b = tf.variable(tf.tensor(b0, [8]))
  const optimizer = new Adam(0.01)
  const before = tf.memory().numTensors
  for (let step = 0; step < 5; step++) {
    optimizer.minimize(() => tf.add(tf.sum(tf.square(tf.sub(a, 0.5))), tf.sum(tf.mul(b, b))))
    if (step > 0) expect(tf.memory().numTensors).toBe(before + 4) // the moments, made once
  }
  const weights = await optimizer.getWeights()
  const values = [a, b, ...weights.map((w) => w.tensor)].map((t) => Array.from(t.dataSync()))
  expect(weights.map((w) => w.name)).toContain(`${a.name}/m`)
  optimizer.dispose()
  a.dispose()
  b.dispose()
  return Float32Array.from(values.flat())
}

it('steps like tfjs Adam (one wasm pass per variable)', async () => {
  const rand = random(11)
  const a0 = randomValues(21, rand)
  const b0 = randomValues(8, rand)
  const reference = await train('cpu', a0, b0)
  const fused = await train('wasm', a0, b0)
  expect(relativeError(fused, reference)).toBeLessThanOrEqual(1e-5)
})
