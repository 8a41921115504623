import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src/main/engine/backend/select'
import { BENCHMARK_CONFIG, type ModelConfig } from '../../../../src/main/engine/model/config'
import {
  buildVae,
  decode,
  decoder,
  disposeVae,
  encode,
  encoder,
} from '../../../../src/main/engine/model/vae'

beforeAll(async () => {
  await selectBackend('cpu')
})

describe('model builders', () => {
  it.each([32, 64, 128] as const)('maps %ipx images to L moments and back', (size) => {
    const config: ModelConfig = { kind: 'default', size, latent: 5, filters: 2 }
    const vae = buildVae(config, 1)
    const before = tf.memory().numTensors
    tf.tidy(() => {
      const { mu, logVar } = encode(vae, tf.zeros([2, size, size, 3]) as tf.Tensor4D)
      expect(mu.shape).toEqual([2, 5])
      expect(logVar.shape).toEqual([2, 5])
      const images = decode(vae, mu)
      expect(images.shape).toEqual([2, size, size, 3])
      const pixels = images.dataSync()
      expect(Math.min(...pixels)).toBeGreaterThanOrEqual(0)
      expect(Math.max(...pixels)).toBeLessThanOrEqual(1)
    })
    expect(tf.memory().numTensors).toBe(before)
    disposeVae(vae)
  })

  it('builds the benchmark model of DESIGN.md exactly', () => {
    const enc = encoder(BENCHMARK_CONFIG)
    const dec = decoder(BENCHMARK_CONFIG)
    const convs = enc.layers.filter((l) => l.getClassName() === 'Conv2D')
    expect(convs.map((l) => l.getConfig().filters)).toEqual([32, 64, 128, 256])
    for (const conv of convs) {
      expect(conv.getConfig()).toMatchObject({
        kernelSize: [4, 4],
        strides: [2, 2],
        padding: 'same',
      })
    }
    expect(enc.outputs[0]?.shape).toEqual([null, 64])
    const deconvs = dec.layers.filter((l) => l.getClassName() === 'Conv2DTranspose')
    expect(deconvs.map((l) => l.getConfig().filters)).toEqual([128, 64, 32, 3])
    expect(deconvs.map((l) => l.getConfig().activation)).toEqual([
      'linear',
      'linear',
      'linear',
      'sigmoid',
    ])
    expect(dec.layers.filter((l) => l.getClassName() === 'ReLU')).toHaveLength(4)
    expect(enc.layers.some((l) => l.getClassName() === 'BatchNormalization')).toBe(false)
    // The same parameter counts as the PyTorch reference network, counted by hand.
    expect(enc.countParams()).toBe(1568 + 32832 + 131200 + 524544 + 262208)
    expect(dec.countParams()).toBe(135168 + 524416 + 131136 + 32800 + 1539)
    enc.dispose()
    dec.dispose()
  })

  it('makes the same initial weights from the same seed, and others from another', () => {
    const config: ModelConfig = { kind: 'benchmark', size: 32, latent: 3, filters: 2 }
    const first = (seed: number) => {
      const model = encoder(config, seed)
      const values = Array.from(model.getWeights()[0]!.dataSync())
      model.dispose()
      return values
    }
    expect(first(7)).toEqual(first(7))
    expect(first(7)).not.toEqual(first(8))
  })
})
