import { describe, expect, it } from 'vitest'
import type { BufferAttribute, Points } from 'three'
import { PointsLayer } from '../../../../src/renderer/src/explorer/scene/layers'
import {
  MAX_GROW,
  POINT_STATE,
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

describe('PointsLayer.setStates', () => {
  const n = 10_000
  const layer = new PointsLayer()
  layer.set(new Float32Array(n * 3), new Float32Array(n * 3).fill(0.5))
  const packed = (layer.object.children[0] as Points).geometry.getAttribute(
    'pointColor',
  ) as BufferAttribute
  const search = new Uint8Array(n)
  const { hovered, selected } = POINT_STATE

  it('repacks only the points marked before or now when the search is the same one', () => {
    layer.setStates({ search, marks: new Map([[3, hovered]]) })
    expect(packed.updateRanges).toEqual([])
    layer.setStates({ search, marks: new Map([[500, hovered]]) })
    // Point 3 goes back to normal, 500 is hovered: two ranges of 4 bytes, nothing else.
    expect(packed.updateRanges.map((r) => r.count)).toEqual([4, 4])
    // The same marks again: nothing to upload (no range would mean the whole buffer).
    const version = packed.version
    layer.setStates({ search, marks: new Map([[500, hovered]]) })
    expect(packed.version).toBe(version)
  })

  it('repacks every point for a new search, or when too many marks changed', () => {
    // No ranges: the whole buffer goes up.
    const another = search.slice()
    layer.setStates({ search: another, marks: new Map() })
    expect(packed.updateRanges).toEqual([])
    const many = new Map(Array.from({ length: 1000 }, (_, i) => [i * 10, selected] as const))
    layer.setStates({ search: another, marks: many })
    expect(packed.updateRanges).toEqual([])
  })
})
