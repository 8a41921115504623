import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { beforeAll, describe, expect, it } from 'vitest'
import { formatStepProfile, profileSteps } from '../../../../src/main/cli/bench/step-profile'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('profileSteps', () => {
  it("counts each kernel of a step once per call and shares out the step's time", async () => {
    const x = tf.ones([64, 64])
    const profile = await profileSteps(3, async () => {
      tf.tidy(() => tf.add(tf.matMul(x, x), 1))
    })
    x.dispose()
    const names = profile.kernels.map((k) => k.name)
    expect(names).toEqual(expect.arrayContaining(['BatchMatMul', 'Add']))
    for (const kernel of profile.kernels) {
      expect(kernel.callsPerStep).toBeGreaterThanOrEqual(1)
      expect(kernel.share).toBeGreaterThanOrEqual(0)
    }
    const inKernels = profile.kernels.reduce((a, k) => a + k.share, 0)
    expect(inKernels + profile.outsideKernels.share).toBeCloseTo(1, 1)
    expect(profile.byShape.map((k) => k.name)).toContain('BatchMatMul [64,64] [64,64]')
    const text = formatStepProfile(profile)
    expect(text[0]).toMatch(/^Profile of 3 steps: [\d.]+ ms\/step/)
    expect(text).toContain('Per kernel:')
  })
})
