import { describe, expect, it } from 'vitest'
import {
  MAX_GROW,
  POINT_STATE,
  changedPoints,
  packPointColours,
} from '../../../../src/renderer/src/explorer/scene/point-colours'

describe('packPointColours', () => {
  const colours = new Float32Array([1, 0, 0.5, 0.2, 0.4, 0.6, 0, 1, 0])

  it('keeps a normal point its colour and size, as bytes', () => {
    const out = new Uint8Array(12)
    packPointColours(colours, new Uint8Array(3), out)
    expect(Array.from(out.subarray(0, 4))).toEqual([255, 0, 128, 0])
    expect(Array.from(out.subarray(8, 12))).toEqual([0, 255, 0, 0])
  })

  it('mixes in the state colour and stores the size factor in alpha', () => {
    const out = new Uint8Array(12)
    const states = new Uint8Array([POINT_STATE.dimmed, POINT_STATE.selected, POINT_STATE.hovered])
    packPointColours(colours, states, out)
    // Dimmed: 82% of the dark grey (0.13, 0.13, 0.15), same size.
    expect(out[0]).toBe(Math.round((1 * 0.18 + 0.13 * 0.82) * 255))
    expect(out[3]).toBe(0)
    // Selected: white, 1.7x; hovered: white, 2.2x.
    expect(Array.from(out.subarray(4, 7))).toEqual([255, 255, 255])
    expect(1 + (out[7] / 255) * (MAX_GROW - 1)).toBeCloseTo(1.7, 2)
    expect(1 + (out[11] / 255) * (MAX_GROW - 1)).toBeCloseTo(2.2, 2)
  })

  it('writes each point at its slot when given the buffer order', () => {
    const out = new Uint8Array(12)
    packPointColours(colours, new Uint8Array(3), out, new Uint32Array([2, 0, 1]))
    expect(Array.from(out.subarray(8, 12))).toEqual([255, 0, 128, 0])
    expect(Array.from(out.subarray(0, 4))).toEqual([51, 102, 153, 0])
  })

  it('writes only the range asked for', () => {
    const out = new Uint8Array(12).fill(7)
    packPointColours(colours, new Uint8Array(3), out, null, 1, 2)
    expect(Array.from(out.subarray(0, 4))).toEqual([7, 7, 7, 7])
    expect(Array.from(out.subarray(8, 12))).toEqual([7, 7, 7, 7])
    expect(out[4]).toBe(51)
  })
})

describe('changedPoints', () => {
  it('finds the points whose state changed', () => {
    const before = new Uint8Array(1000)
    const after = before.slice()
    after[3] = 5
    after[500] = 3
    expect(Array.from(changedPoints(before, after) ?? [])).toEqual([3, 500])
    expect(Array.from(changedPoints(before, before.slice()) ?? [])).toEqual([])
  })

  it('gives up (null) when too many changed to upload one by one', () => {
    const before = new Uint8Array(10_000)
    const after = before.map((_, i) => (i % 10 === 0 ? 1 : 0))
    expect(changedPoints(before, after, 256)).toBeNull()
  })
})
