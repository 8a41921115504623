import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import { describe, expect, it } from 'vitest'
import { registerWasmTrainingKernels } from '../../../../../src/main/engine/backend/kernels'
import { startGemmKernels, stopGemmKernels } from '../../../../../src/main/engine/backend/gemm'
import { startWasmBackend } from '../../../../../src/main/engine/backend/kernels/wasm-threads'
import { random, randomValues, relativeError } from './conv-cases'

describe('wasm threads in Node', () => {
  it('starts the threaded SIMD build (XNNPACK on one thread and no pthreads, two threads for our kernels), and trains like cpu', async () => {
    const started = await startWasmBackend(2)
    expect(started).toEqual({
      threads: 2,
      note: 'multi-threaded SIMD build, XNNPACK on one thread',
    })
    expect(tf.getBackend()).toBe('wasm')
    // Emscripten's 8 pthread workers are ended: XNNPACK on one thread never runs one.
    const { wasm } = tf.backend() as unknown as { wasm: { PThread: { unusedWorkers: unknown[] } } }
    expect(wasm.PThread.unusedWorkers).toHaveLength(0)
    registerWasmTrainingKernels()

    const rand = random(5)
    // The convolution and its filter gradient are 16.8 M multiply-adds each: over the 16 M at
    // which a call is split between the threads.
    const x = randomValues(8 * 32 * 32 * 16, rand)
    const w1 = randomValues(4 * 4 * 16 * 32, rand)
    const w2 = randomValues(4 * 4 * 16 * 32, rand)
    const gradients = (): tf.Tensor => {
      const loss = (a: tf.Tensor, b: tf.Tensor): tf.Scalar => {
        const h = tf.relu(tf.conv2d(tf.tensor4d(x, [8, 32, 32, 16]), a as tf.Tensor4D, 2, 'same'))
        const up = tf.conv2dTranspose(h, b as tf.Tensor4D, [8, 32, 32, 16], 2, 'same')
        return tf.sum(tf.square(tf.sigmoid(up)))
      }
      const [ga, gb] = tf.grads(loss)([
        tf.tensor(w1, [4, 4, 16, 32]),
        tf.tensor(w2, [4, 4, 16, 32]),
      ])
      return tf.concat([tf.reshape(ga, [-1]), tf.reshape(gb, [-1])])
    }
    const valuesOn = async (backend: string): Promise<Float32Array> => {
      await tf.setBackend(backend)
      const before = tf.memory().numTensors
      const result = tf.tidy(gradients)
      const values = Float32Array.from(result.dataSync())
      result.dispose()
      expect(tf.memory().numTensors).toBe(before)
      return values
    }
    const threaded = await valuesOn('wasm')
    const reference = await valuesOn('cpu')
    expect(relativeError(threaded, reference)).toBeLessThanOrEqual(1e-4)

    // The relaxed-SIMD kernels, split between this thread and a worker over the shared memory.
    await tf.setBackend('wasm')
    expect(await startGemmKernels(2)).toBe('relaxed-SIMD GEMM kernels on 2 threads')
    try {
      expect(relativeError(await valuesOn('wasm'), reference)).toBeLessThanOrEqual(1e-4)
    } finally {
      stopGemmKernels()
    }
  })

  it('reuses the running backend when asked again', async () => {
    expect(await startWasmBackend(1)).toEqual({
      threads: 2,
      note: 'wasm was already initialised',
    })
  })
})
