import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import {
  animation,
  contactSheet,
  pingPongOrder,
  resizeFrame,
  toBytes,
} from '../../../../src/main/engine/create/images'

/** `frames` flat-coloured frames, each a different grey. */
function greys(size: number, frames: number): Uint8Array {
  const rgb = new Uint8Array(size * size * 3 * frames)
  for (let f = 0; f < frames; f++) rgb.fill(f * 40, f * size * size * 3, (f + 1) * size * size * 3)
  return rgb
}

describe('images', () => {
  it('rounds and clamps decoder floats to bytes', () => {
    expect([...toBytes(Float32Array.from([-0.2, 0, 0.5, 1, 1.3]))]).toEqual([0, 0, 128, 255, 255])
  })

  it('writes an animation with one page per frame, looping forever', async () => {
    for (const format of ['gif', 'webp'] as const) {
      const meta = await sharp(await animation(greys(8, 5), 8, 5, format, 10), {
        animated: true,
      }).metadata()
      expect(meta.pages).toBe(5)
      expect(meta.pageHeight).toBe(8)
      expect(meta.loop).toBe(0)
      expect(meta.delay).toEqual([100, 100, 100, 100, 100])
    }
  })

  it('plays back and forth without repeating the end frames', () => {
    expect(pingPongOrder(4)).toEqual([0, 1, 2, 3, 2, 1])
  })

  it('lays frames out in rows with gaps', () => {
    const sheet = contactSheet(greys(2, 3), 2, 3, 2, 1, 255)
    expect([sheet.width, sheet.height]).toEqual([7, 7])
    const at = (x: number, y: number) => sheet.pixels[(y * sheet.width + x) * 3]
    expect([at(0, 0), at(1, 1), at(4, 1), at(1, 4), at(4, 4)]).toEqual([255, 0, 40, 80, 255])
  })

  it('upscales a face smoothly (lanczos3), keeping flat regions flat', async () => {
    const frame = greys(4, 1).fill(200)
    const big = await resizeFrame(frame, 4, 16)
    expect(big.length).toBe(16 * 16 * 3)
    expect(new Set(big)).toEqual(new Set([200]))
  })
})
