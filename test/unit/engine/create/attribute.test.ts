import { describe, expect, it } from 'vitest'
import {
  applyVectors,
  attributeVector,
  keepOrthogonal,
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

describe('keepOrthogonal', () => {
  const dim = 12
  const normal = normalSource(7)
  const random = () => Float32Array.from({ length: dim }, () => normal())

  it('leaves a vector orthogonal to every kept vector, even for correlated kept vectors', () => {
    const v = random()
    const male = random()
    // "young" shares most of its direction with "male": not orthogonal to it.
    const young = Float32Array.from(male, (x, d) => 0.9 * x + 0.3 * random()[d])
    const glasses = random()
    const kept = [male, young, glasses]
    const out = keepOrthogonal(v, kept)
    for (const k of kept) expect(Math.abs(dot(out, k)) / (norm(k) * norm(v))).toBeLessThan(1e-6)
    // Only the span was removed: what is left of v is still v's own part.
    expect(dot(out, v)).toBeCloseTo(dot(out, out), 4)
    expect(norm(out)).toBeGreaterThan(0.1 * norm(v))
  })

  it('leaves a vector that is already orthogonal unchanged', () => {
    const v = new Float32Array(dim)
    v[0] = 1.5
    v[4] = -2
    const a = new Float32Array(dim)
    a[1] = 3
    const b = new Float32Array(dim)
    b[2] = 1
    b[7] = 1
    expect(Array.from(keepOrthogonal(v, [a, b]))).toEqual(Array.from(v))
  })

  it('gives the same result when a kept vector repeats or lies in the span of the others', () => {
    const v = random()
    const a = random()
    const b = random()
    const sum = Float32Array.from(a, (x, d) => x + 2 * b[d])
    const once = keepOrthogonal(v, [a, b])
    const again = keepOrthogonal(v, [a, b, sum, a, new Float32Array(dim)])
    again.forEach((x, d) => expect(x).toBeCloseTo(once[d], 5))
  })

  it('removes exactly the component along a single kept vector', () => {
    const v = Float32Array.from([3, 4, 0])
    const out = keepOrthogonal(v, [Float32Array.from([2, 0, 0])])
    expect(Array.from(out)).toEqual([0, 4, 0])
  })

  it('refuses a kept vector of another length', () => {
    expect(() => keepOrthogonal(new Float32Array(3), [new Float32Array(4)])).toThrow(RangeError)
  })
})
