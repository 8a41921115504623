import { describe, expect, it } from 'vitest'
import { floatToBytes } from '../../../../src/main/engine/train/pixels'

/** The rule spelled out with Math.round, as the dataset's bytes were always made. */
const byRound = (v: number): number => Math.round(Math.min(1, Math.max(0, v)) * 255) || 0

describe('floatToBytes', () => {
  it('rounds half up and clamps, as Math.round would, on every float32 halfway point', () => {
    // Each k + 0.5 over 255 in float32, and its neighbours a float32 step away.
    const halfway = Array.from({ length: 255 }, (_, k) => Math.fround((k + 0.5) / 255))
    const values = Float32Array.from(
      halfway.flatMap((h) => [h, h * (1 - 2 ** -23), h * (1 + 2 ** -23)]),
    )
    expect(Array.from(floatToBytes(values))).toEqual(Array.from(values, byRound))
  })

  it('clamps out-of-range values and reads NaN as 0', () => {
    const values = Float32Array.of(-1, -0, 0, 1, 1.5, Infinity, -Infinity, NaN)
    expect(Array.from(floatToBytes(values))).toEqual([0, 0, 0, 255, 255, 255, 0, 0])
  })
})
