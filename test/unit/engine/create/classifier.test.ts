import { describe, expect, it } from 'vitest'
import {
  classify,
  downsample,
  trainClassifier,
} from '../../../../src/main/engine/create/classifier'
import { normalSource } from '../../../../src/main/engine/create/random'

describe('pixel attribute classifier', () => {
  it('area-averages images', () => {
    // One 2x2 image: a red, a green, a blue and a white pixel.
    const image = [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]
    const small = downsample(image, 1, 2, 1, 1 / 255)
    expect(Array.from(small, (x) => Math.round(x * 100) / 100)).toEqual([0.5, 0.5, 0.5])
  })

  it('learns a separable attribute from imbalanced data', () => {
    const normal = normalSource(5)
    const n = 400
    const d = 6
    const x = new Float32Array(n * d)
    const y: number[] = []
    for (let i = 0; i < n; i++) {
      const has = i % 10 === 0 ? 1 : 0
      y.push(has)
      for (let j = 0; j < d; j++) x[i * d + j] = normal() + (j === 2 && has ? 3 : 0)
    }
    const model = trainClassifier(x, y, d, { steps: 200 })
    const p = classify(model, x, n)
    let right = 0
    p.forEach((q, i) => (right += (q > 0.5 ? 1 : 0) === y[i] ? 1 : 0))
    expect(right / n).toBeGreaterThan(0.9)
    expect(Math.abs(model.weights[2])).toBeGreaterThan(Math.abs(model.weights[0]))
  })
})
