import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src/main/engine/backend/select'
import {
  elbo,
  klDivergence,
  reconstructionLoss,
  reparameterize,
  vaeLoss,
  warmedBeta,
} from '../../../../src/main/engine/model/loss'

beforeAll(async () => {
  await selectBackend('cpu')
})

const mu = () =>
  tf.tensor2d([
    [0, 1],
    [2, -1],
  ])
const logVar = () =>
  tf.tensor2d([
    [0, Math.log(2)],
    [-1, 0],
  ])
// Two 1x1 "images" of 3 channels.
const x = () => tf.tensor4d([1, 0, 0.5, 0.25, 1, 0], [2, 1, 1, 3])
const xHat = () => tf.tensor4d([0.5, 0.5, 0.5, 0.25, 0.75, 0.1], [2, 1, 1, 3])

describe('the VAE loss', () => {
  it('computes the closed-form KL per image', () => {
    // -0.5 * sum(1 + lv - mu^2 - exp(lv)):
    // image 1: dim 1 -> 1 + 0 - 0 - 1 = 0; dim 2 -> 1 + ln2 - 1 - 2 = ln2 - 2  => 1 - ln2/2
    // image 2: dim 1 -> 1 - 1 - 4 - e^-1 = -4 - e^-1; dim 2 -> 1 + 0 - 1 - 1 = -1 => 2.5 + e^-1/2
    const kl = klDivergence(mu(), logVar()).arraySync()
    expect(kl[0]).toBeCloseTo(1 - Math.LN2 / 2, 5)
    expect(kl[1]).toBeCloseTo(2.5 + Math.exp(-1) / 2, 5)
  })

  it('is zero KL exactly at the prior', () => {
    expect(klDivergence(tf.zeros([1, 4]), tf.zeros([1, 4])).arraySync()[0]).toBeCloseTo(0, 7)
  })

  it('sums squared error over every pixel and channel of an image', () => {
    const se = reconstructionLoss(x(), xHat(), 'squared').arraySync()
    expect(se[0]).toBeCloseTo(0.25 + 0.25 + 0, 6)
    expect(se[1]).toBeCloseTo(0 + 0.0625 + 0.01, 6)
  })

  it('sums binary cross-entropy over every pixel and channel of an image', () => {
    const bce = reconstructionLoss(x(), xHat(), 'bce').arraySync()
    const h = (t: number, p: number) => -(t * Math.log(p) + (1 - t) * Math.log(1 - p))
    expect(bce[0]).toBeCloseTo(h(1, 0.5) + h(0, 0.5) + h(0.5, 0.5), 5)
    expect(bce[1]).toBeCloseTo(h(0.25, 0.25) + h(1, 0.75) + h(0, 0.1), 5)
  })

  it('is the Gaussian NLL with sigma squared set to the batch MSE (optimal-sigma VAE)', () => {
    // Squared errors per image 0.5 and 0.0725 over D = 3 values each: sigma^2 = 0.5725 / 6.
    const nll = reconstructionLoss(x(), xHat(), 'sigma').arraySync()
    const s2 = 0.5725 / 6
    const gaussian = (se: number) => se / (2 * s2) + 1.5 * Math.log(2 * Math.PI * s2)
    expect(nll[0]).toBeCloseTo(gaussian(0.5), 4)
    expect(nll[1]).toBeCloseTo(gaussian(0.0725), 4)
  })

  it('keeps the optimal-sigma NLL finite for a perfect reconstruction', () => {
    const nll = reconstructionLoss(x(), x(), 'sigma').arraySync()
    expect(nll.every(Number.isFinite)).toBe(true)
  })

  it('keeps BCE finite where the decoder says exactly 0 or 1', () => {
    const bce = reconstructionLoss(
      tf.tensor4d([1, 0], [1, 1, 1, 2]),
      tf.tensor4d([0, 1], [1, 1, 1, 2]),
      'bce',
    ).arraySync()
    expect(Number.isFinite(bce[0])).toBe(true)
  })

  it('is reconstruction + beta * KL, each a mean over the batch', () => {
    const terms = vaeLoss({
      x: x(),
      xHat: xHat(),
      mu: mu(),
      logVar: logVar(),
      beta: 4,
      kind: 'squared',
    })
    const reconstruction = (0.5 + 0.0725) / 2
    const kl = (1 - Math.LN2 / 2 + 2.5 + Math.exp(-1) / 2) / 2
    expect(terms.reconstruction.arraySync()).toBeCloseTo(reconstruction, 5)
    expect(terms.kl.arraySync()).toBeCloseTo(kl, 5)
    expect(terms.loss.arraySync()).toBeCloseTo(reconstruction + 4 * kl, 5)
    expect(
      elbo({ x: x(), xHat: xHat(), mu: mu(), logVar: logVar(), kind: 'squared' }).arraySync(),
    ).toBeCloseTo(-(reconstruction + kl), 5)
  })

  it('reparameterises as mu + exp(logVar / 2) * eps', () => {
    const z = reparameterize(
      mu(),
      logVar(),
      tf.tensor2d([
        [1, 1],
        [-1, 2],
      ]),
    ).arraySync()
    expect(z[0]![0]).toBeCloseTo(1, 6)
    expect(z[0]![1]).toBeCloseTo(1 + Math.SQRT2, 5)
    expect(z[1]![0]).toBeCloseTo(2 - Math.exp(-0.5), 5)
    expect(z[1]![1]).toBeCloseTo(1, 6)
  })

  it('passes gradients to mu and logVar through the sample', () => {
    const eps = tf.tensor2d([[0.5, -1]])
    const grads = tf.grads((m: tf.Tensor, lv: tf.Tensor) =>
      tf.sum(reparameterize(m as tf.Tensor2D, lv as tf.Tensor2D, eps)),
    )([tf.tensor2d([[0, 0]]), tf.tensor2d([[0, Math.log(4)]])])
    expect(grads[0]!.arraySync()).toEqual([[1, 1]])
    // d/dlv of exp(lv/2) * eps = 0.5 * exp(lv/2) * eps
    const dLogVar = grads[1]!.arraySync() as number[][]
    expect(dLogVar[0]![0]).toBeCloseTo(0.25, 6)
    expect(dLogVar[0]![1]).toBeCloseTo(-1, 6)
  })

  it('warms beta up linearly, and not at all with 0 steps', () => {
    expect(warmedBeta(2, 0, 4)).toBe(0.5)
    expect(warmedBeta(2, 3, 4)).toBe(2)
    expect(warmedBeta(2, 100, 4)).toBe(2)
    expect(warmedBeta(2, 0, 0)).toBe(2)
  })
})
