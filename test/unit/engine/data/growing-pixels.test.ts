import { describe, expect, it } from 'vitest'
import { GrowingPixels } from '../../../../src/main/engine/data/growing-pixels'

/** An image of size 1 (3 bytes) whose every byte is `v`. */
const image = (v: number) => new Uint8Array(3).fill(v)

describe('the pixels an ingest fills', () => {
  it('grows past its slots and gathers the kept images in the order given, in place', () => {
    const pixels = new GrowingPixels(1, 3)
    pixels.set(0, image(10))
    pixels.set(2, image(30))
    // Slot 1 was skipped; slot 0's photo had two more faces, appended.
    const a = pixels.add()
    const b = pixels.add()
    pixels.set(a, image(11))
    pixels.set(b, image(12))
    expect([a, b]).toEqual([3, 4])
    expect(Array.from(pixels.gather([0, a, b, 2]))).toEqual([
      10, 10, 10, 11, 11, 11, 12, 12, 12, 30, 30, 30,
    ])
  })

  it('leaves the images it keeps where they are when nothing moves', () => {
    const pixels = new GrowingPixels(1, 2)
    pixels.set(0, image(1))
    pixels.set(1, image(2))
    expect(Array.from(pixels.gather([0, 1]))).toEqual([1, 1, 1, 2, 2, 2])
    expect(() => new GrowingPixels(1, 2).gather([1, 1])).toThrow(/twice/)
  })
})
