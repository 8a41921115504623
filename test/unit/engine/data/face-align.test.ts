import { describe, expect, it } from 'vitest'
import {
  ALIGNED_EYES,
  alignmentTransform,
  applySimilarity,
  similarityAngle,
  similarityScale,
} from '../../../../src/main/engine/data/faces/align'
import { reflect } from '../../../../src/main/engine/data/faces/resample'

describe('face alignment transform', () => {
  it('puts the eyes exactly at the aligned framing', () => {
    const left = { x: 120.5, y: 80.25 }
    const right = { x: 180, y: 95 }
    const t = alignmentTransform(left, right)
    const l = applySimilarity(t, ALIGNED_EYES.left.x, ALIGNED_EYES.left.y)
    const r = applySimilarity(t, ALIGNED_EYES.right.x, ALIGNED_EYES.right.y)
    expect(l.x).toBeCloseTo(left.x, 9)
    expect(l.y).toBeCloseTo(left.y, 9)
    expect(r.x).toBeCloseTo(right.x, 9)
    expect(r.y).toBeCloseTo(right.y, 9)
  })

  it('recovers a synthetic tilt and scale', () => {
    // A face in the aligned framing at 200 px, turned by 12 degrees about (50, 60) and moved.
    const angle = (12 * Math.PI) / 180
    const side = 200
    const place = (p: { x: number; y: number }) => {
      const x = p.x * side - 50
      const y = p.y * side - 60
      return {
        x: 50 + 30 + x * Math.cos(angle) - y * Math.sin(angle),
        y: 60 + 10 + x * Math.sin(angle) + y * Math.cos(angle),
      }
    }
    const t = alignmentTransform(place(ALIGNED_EYES.left), place(ALIGNED_EYES.right))
    expect(similarityAngle(t)).toBeCloseTo(angle, 9)
    expect(similarityScale(t)).toBeCloseTo(side, 9)
    // Every point of the framing, not just the eyes, lands where the tilt put it.
    for (const p of [
      { x: 0, y: 0 },
      { x: 1, y: 1 },
      { x: 0.5, y: 0.8 },
    ]) {
      const got = applySimilarity(t, p.x, p.y)
      const want = place(p)
      expect(got.x).toBeCloseTo(want.x, 9)
      expect(got.y).toBeCloseTo(want.y, 9)
    }
  })

  it('keeps level eyes level and centred', () => {
    const t = alignmentTransform({ x: 10, y: 20 }, { x: 30, y: 20 })
    expect(similarityAngle(t)).toBe(0)
    const mid = applySimilarity(t, 0.5, ALIGNED_EYES.left.y)
    expect(mid.x).toBeCloseTo(
      20 + (0.5 - (ALIGNED_EYES.left.x + ALIGNED_EYES.right.x) / 2) * similarityScale(t),
      9,
    )
  })
})

describe('reflection padding', () => {
  it('mirrors indices about the edge pixels, however far outside', () => {
    expect([-3, -2, -1, 0, 1, 2, 3, 4, 5, 6].map((i) => reflect(i, 4))).toEqual([
      3, 2, 1, 0, 1, 2, 3, 2, 1, 0,
    ])
    expect(reflect(-7, 1)).toBe(0)
  })
})
