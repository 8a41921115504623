import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import { backend_util } from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  isProjectKernel,
  registerCpuTrainingKernels,
} from '../../../../../src/main/engine/backend/kernels'
import { convCases, random, randomValues, relativeError, type ConvCase } from './conv-cases'

const TOLERANCE = 1e-4
const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1)

/** The filter gradient straight from its definition (NHWC or NCHW), as the reference. */
function naiveFilterGradient(c: ConvCase, x: Float32Array, dy: Float32Array): Float32Array {
  const info = backend_util.computeConv2DInfo(
    c.xShape,
    c.filterShape,
    c.strides,
    1,
    c.pad,
    undefined,
    false,
    backend_util.convertConv2DDataFormat(c.dataFormat),
  )
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info
  const nchw = c.dataFormat === 'NCHW'
  const xAt = (n: number, h: number, w: number, ch: number): number =>
    nchw
      ? x[((n * inChannels + ch) * inHeight + h) * inWidth + w]
      : x[((n * inHeight + h) * inWidth + w) * inChannels + ch]
  const dyAt = (n: number, h: number, w: number, ch: number): number =>
    nchw
      ? dy[((n * outChannels + ch) * outHeight + h) * outWidth + w]
      : dy[((n * outHeight + h) * outWidth + w) * outChannels + ch]
  const dw = new Float32Array(size(c.filterShape))
  for (let a = 0; a < filterHeight; a++)
    for (let b = 0; b < filterWidth; b++)
      for (let ci = 0; ci < inChannels; ci++)
        for (let co = 0; co < outChannels; co++) {
          let sum = 0
          for (let n = 0; n < batchSize; n++)
            for (let i = 0; i < outHeight; i++) {
              const h = i * strideHeight + a - info.padInfo.top
              if (h < 0 || h >= inHeight) continue
              for (let j = 0; j < outWidth; j++) {
                const w = j * strideWidth + b - info.padInfo.left
                if (w < 0 || w >= inWidth) continue
                sum += xAt(n, h, w, ci) * dyAt(n, i, j, co)
              }
            }
          dw[((a * filterWidth + b) * inChannels + ci) * outChannels + co] = sum
        }
  return dw
}

beforeAll(async () => {
  await tf.setBackend('cpu')
  registerCpuTrainingKernels()
})

describe('cpu training kernels', () => {
  it('replaces cpu Conv2DBackpropFilter, once', () => {
    registerCpuTrainingKernels()
    expect(isProjectKernel('Conv2DBackpropFilter', 'cpu')).toBe(true)
  })

  it.each(convCases(20, 7).map((c) => [c.name, c] as const))(
    'Conv2DBackpropFilter %s matches the definition',
    (_, c) => {
      const rand = random(size(c.xShape) + 3)
      const x = randomValues(size(c.xShape), rand)
      const dy = randomValues(size(c.dyShape), rand)
      const before = tf.memory().numTensors
      const dataBefore = tf.engine().backend.numDataIds()
      const dw = tf.tidy(() =>
        tf.engine().runKernel(
          'Conv2DBackpropFilter',
          { x: tf.tensor(x, c.xShape), dy: tf.tensor(dy, c.dyShape) },
          {
            strides: c.strides,
            pad: c.pad,
            dataFormat: c.dataFormat,
            filterShape: c.filterShape,
          },
        ),
      ) as tf.Tensor
      const actual = Float32Array.from(dw.dataSync())
      dw.dispose()
      expect(tf.memory().numTensors).toBe(before)
      expect(tf.engine().backend.numDataIds()).toBe(dataBefore)
      expect(relativeError(actual, naiveFilterGradient(c, x, dy))).toBeLessThanOrEqual(TOLERANCE)
    },
  )
})
