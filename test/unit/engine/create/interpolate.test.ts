import { describe, expect, it } from 'vitest'
import {
  ease,
  lerp,
  norm,
  pathFrames,
  pathPoint,
  slerp,
} from '../../../../src/main/engine/create/interpolate'

const a = Float32Array.from([1, 0, 0, 2])
const b = Float32Array.from([0, 3, 0, -1])

function unit(v: number[]): Float32Array {
  const n = Math.hypot(...v)
  return Float32Array.from(v.map((x) => x / n))
}

describe('lerp', () => {
  it('starts at a, ends at b, and passes through the midpoint', () => {
    expect([...lerp(a, b, 0)]).toEqual([...a])
    expect([...lerp(a, b, 1)]).toEqual([...b])
    expect([...lerp(a, b, 0.5)]).toEqual([0.5, 1.5, 0, 0.5])
  })

  it('shrinks the norm between two unit vectors (the reason slerp exists)', () => {
    const u = unit([1, 0, 0])
    const v = unit([0, 1, 0])
    expect(norm(lerp(u, v, 0.5))).toBeCloseTo(Math.SQRT1_2, 5)
  })

  it('refuses codes of different lengths', () => {
    expect(() => lerp(a, Float32Array.from([1]), 0.5)).toThrow(/differ in length/)
  })
})

describe('slerp', () => {
  it('starts at a and ends at b', () => {
    slerp(a, b, 0).forEach((x, i) => expect(x).toBeCloseTo(a[i], 5))
    slerp(a, b, 1).forEach((x, i) => expect(x).toBeCloseTo(b[i], 5))
  })

  it('keeps unit vectors at unit norm all along the way', () => {
    const u = unit([1, 2, -0.5, 0.3])
    const v = unit([-0.4, 0.1, 2, 1])
    for (let t = 0; t <= 1; t += 0.125) expect(norm(slerp(u, v, t))).toBeCloseTo(1, 5)
  })

  it('interpolates the norm linearly between codes of different lengths', () => {
    const u = Float32Array.from([2, 0])
    const v = Float32Array.from([0, 4])
    expect(norm(slerp(u, v, 0.5))).toBeCloseTo(3, 5)
  })

  it('moves at constant angular speed along the great circle', () => {
    const u = Float32Array.from([1, 0])
    const v = Float32Array.from([0, 1])
    const mid = slerp(u, v, 1 / 3)
    expect(Math.atan2(mid[1], mid[0])).toBeCloseTo(Math.PI / 6, 5)
  })

  it('falls back to lerp for parallel codes instead of dividing by zero', () => {
    const u = Float32Array.from([1, 1])
    const v = Float32Array.from([2, 2])
    expect([...slerp(u, v, 0.5)].every(Number.isFinite)).toBe(true)
    expect(slerp(u, v, 0.5)[0]).toBeCloseTo(1.5, 5)
  })
})

describe('eased paths through waypoints', () => {
  it('every easing fixes both ends', () => {
    for (const e of ['linear', 'ease-in', 'ease-out', 'ease-in-out'] as const) {
      expect(ease(0, e)).toBe(0)
      expect(ease(1, e)).toBeCloseTo(1, 10)
    }
    expect(ease(0.25, 'ease-in-out')).toBeLessThan(0.25)
  })

  it('passes through every waypoint', () => {
    const w = [Float32Array.from([0, 0]), Float32Array.from([1, 0]), Float32Array.from([1, 1])]
    const frames = pathFrames(w, 5, 'linear', 'ease-in-out')
    expect([...frames.subarray(0, 2)]).toEqual([0, 0])
    expect([...frames.subarray(4, 6)]).toEqual([1, 0])
    expect([...frames.subarray(8, 10)]).toEqual([1, 1])
    expect([...pathPoint(w, 0.25, 'linear')]).toEqual([0.5, 0])
  })
})
