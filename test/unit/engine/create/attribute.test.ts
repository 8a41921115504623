import { describe, expect, it } from 'vitest'
import {
  applyVectors,
  attributeVector,
  spreadAlong,
} from '../../../../src/main/engine/create/attribute'
import { dot, norm } from '../../../../src/main/engine/create/interpolate'
import { normalSource } from '../../../../src/main/engine/create/random'

/** Latents where faces with the attribute sit `shift` further along a known direction. */
function syntheticLatents(count: number, dim: number, direction: Float32Array, shift: number) {
  const normal = normalSource(42)
  const latents = new Float32Array(count * dim)
  const positives: number[] = []
  for (let i = 0; i < count; i++) {
    const has = i % 3 === 0
    if (has) positives.push(i)
    for (let d = 0; d < dim; d++) {
      latents[i * dim + d] = normal() + (has ? shift * direction[d] : 0)
    }
  }
  return { latents, positives }
}

describe('attributeVector', () => {
  const dim = 16
  const direction = new Float32Array(dim)
  direction[3] = 0.6
  direction[7] = -0.8

  it('recovers a known direction from labelled latents', () => {
    const { latents, positives } = syntheticLatents(3000, dim, direction, 2)
    const result = attributeVector(latents, dim, positives)
    expect(result.countA).toBe(1000)
    expect(result.countB).toBe(2000)
    const cosine = dot(result.v, direction) / norm(result.v)
    expect(cosine).toBeGreaterThan(0.97)
    expect(result.norm).toBeGreaterThan(1.8)
    expect(result.norm).toBeLessThan(2.3)
  })

  it('measures the spread along v as the std of the projections', () => {
    const { latents, positives } = syntheticLatents(3000, dim, direction, 2)
    const { spread } = attributeVector(latents, dim, positives)
    // Unit noise plus a two-point mixture (1/3 at +2): variance 1 + 4 * (1/3)(2/3).
    expect(spread).toBeGreaterThan(Math.sqrt(1 + 8 / 9) - 0.1)
    expect(spread).toBeLessThan(Math.sqrt(1 + 8 / 9) + 0.1)
    expect(spreadAlong(latents, dim, new Float32Array(dim))).toBe(0)
  })

  it('takes a second set instead of the rest', () => {
    const latents = Float32Array.from([0, 0, 2, 0, 4, 0, 10, 10])
    const result = attributeVector(latents, 2, [2], [0, 1])
    expect([...result.v]).toEqual([3, 0])
    expect(result.countB).toBe(2)
  })

  it('refuses an attribute nobody or everybody has', () => {
    const latents = new Float32Array(8)
    expect(() => attributeVector(latents, 2, [])).toThrow(/with it and without it/)
    expect(() => attributeVector(latents, 2, [0, 1, 2, 3])).toThrow(/with it and without it/)
    expect(() => attributeVector(latents, 2, [9])).toThrow(/not in the latents/)
  })
})

describe('applyVectors', () => {
  it('moves a code alpha spreads along unit(v), for several vectors at once', () => {
    const z = Float32Array.from([1, 1, 1, 1, 0, 0])
    applyVectors(z, 3, [
      { v: [10, 0, 0], spread: 0.5, alpha: 2 },
      { v: [0, 0, -3], spread: 2, alpha: 0.5 },
    ])
    expect([...z]).toEqual([2, 1, 0, 2, 0, -1])
  })
})
