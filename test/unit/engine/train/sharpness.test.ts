import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src/main/engine/backend/select'
import { laplacianRatio, laplacianVariance } from '../../../../src/main/engine/train/sharpness'

beforeAll(async () => {
  await selectBackend('cpu')
})

/** A 4x4 black-and-white checkerboard, grey in every channel. */
const checkerboard = () =>
  tf.tidy(() => {
    const cells = Array.from({ length: 16 }, (_, i) => (Math.floor(i / 4) + (i % 4)) % 2)
    return tf.tile(tf.tensor4d(cells, [1, 4, 4, 1]), [1, 1, 1, 3]) as tf.Tensor4D
  })

const noise = () => tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 7) as tf.Tensor4D

describe('the Laplacian-variance ratio', () => {
  it('measures the variance of the Laplacian of the luma', () => {
    // Inner pixels: a white one has four black neighbours (-4), a black one four white (+4).
    expect(laplacianVariance(checkerboard()).arraySync()[0]).toBeCloseTo(16, 4)
  })

  it('is 1 for a perfect reconstruction and 0 for a flat one', () => {
    const x = noise()
    const same = laplacianRatio(x, x).arraySync()
    const flat = laplacianRatio(x, tf.fill(x.shape, 0.5) as tf.Tensor4D).arraySync()
    for (const r of same) expect(r).toBeCloseTo(1, 5)
    for (const r of flat) expect(r).toBeCloseTo(0, 6)
  })

  it('falls with the square of the contrast of the detail kept', () => {
    const x = noise()
    const halved = tf.add(tf.mul(tf.sub(x, 0.5), 0.5), 0.5) as tf.Tensor4D
    for (const r of laplacianRatio(x, halved).arraySync()) expect(r).toBeCloseTo(0.25, 5)
  })

  it('stays finite for a flat original', () => {
    const flat = tf.fill([1, 4, 4, 3], 0.3) as tf.Tensor4D
    expect(laplacianRatio(flat, checkerboard()).arraySync()[0]).toBeGreaterThan(0)
    expect(Number.isFinite(laplacianRatio(flat, flat).arraySync()[0])).toBe(true)
  })

  it('frees every tensor it makes', () => {
    const x = noise()
    const before = tf.memory().numTensors
    laplacianRatio(x, x).dispose()
    expect(tf.memory().numTensors).toBe(before)
  })
})
