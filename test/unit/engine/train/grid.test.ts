import { describe, expect, it } from 'vitest'
import { imageGrid, pairRows } from '../../../../src/main/engine/train/grid'

// 1x1 "images" whose red value names them.
const images = (...reds: number[]) => new Uint8Array(reds.flatMap((r) => [r, 0, 0]))

describe('contact sheets', () => {
  it('lays images out in rows, leaving missing cells black', () => {
    const sheet = imageGrid(images(1, 2, 3), 3, 1, 2)
    expect(sheet).toMatchObject({ width: 2, height: 2 })
    expect(Array.from(sheet.pixels.filter((_, i) => i % 3 === 0))).toEqual([1, 2, 3, 0])
  })

  it('puts each row of reconstructions under its row of originals', () => {
    const paired = pairRows(images(1, 2, 3), images(11, 12, 13), 3, 1, 2)
    expect(Array.from(paired.filter((_, i) => i % 3 === 0))).toEqual([1, 2, 11, 12, 3, 13])
  })
})
