import { describe, expect, it } from 'vitest'
import {
  appendCapped,
  axisTicks,
  compactNumber,
  curvePath,
  rangeOf,
  rgbImageToRgba,
} from '../../../../src/renderer/src/training/format'

describe('Training panel helpers', () => {
  it('turns one RGB image of a batch into opaque RGBA', () => {
    const rgb = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    expect(Array.from(rgbImageToRgba(rgb, 1, 1))).toEqual([4, 5, 6, 255])
  })

  it('draws a curve across the box, highest value at the top', () => {
    const path = curvePath(
      [
        { step: 0, value: 10 },
        { step: 5, value: 5 },
        { step: 10, value: 0 },
      ],
      100,
      50,
    )
    expect(path).toBe('M0.0,0.0 L50.0,25.0 L100.0,50.0')
    expect(curvePath([{ step: 0, value: 1 }], 100, 50)).toBe('')
  })

  it('puts several curves on one axis: their joint range, labelled top, middle and bottom', () => {
    const loss = [
      { step: 0, value: 4000 },
      { step: 10, value: 2000 },
    ]
    const kl = [
      { step: 0, value: 40 },
      { step: 10, value: NaN },
    ]
    const range = rangeOf([loss, kl])!
    expect(range).toEqual({ min: 40, max: 4000 })
    // Two decades: a log axis, so the middle tick is the geometric mean, halfway up.
    const ticks = axisTicks(range, 90)
    expect(ticks.map((t) => t.label)).toEqual(['4000', '400', '40'])
    expect(ticks.map((t) => t.y)).toEqual([0, expect.closeTo(45, 6), 90])
    expect(axisTicks({ min: 0, max: 10 }, 90).map((t) => t.label)).toEqual(['10', '5', '0'])
    expect(curvePath(kl.slice(0, 1).concat({ step: 10, value: 4000 }), 100, 90, range)).toBe(
      'M0.0,90.0 L100.0,0.0',
    )
    expect(rangeOf([[]])).toBeNull()
  })

  it('writes axis numbers short', () => {
    expect(compactNumber(123456)).toBe('123k')
    expect(compactNumber(2_500_000)).toBe('2.50M')
    expect(compactNumber(0.011634)).toBe('0.0116')
    expect(compactNumber(58.04)).toBe('58')
  })

  it('keeps a long curve to a bounded number of points', () => {
    let points = [] as { step: number; value: number }[]
    for (let step = 0; step < 1000; step++)
      points = appendCapped(points, { step, value: step }, 100)
    expect(points.length).toBeLessThanOrEqual(100)
    expect(points.at(-1)?.step).toBe(999)
  })
})
