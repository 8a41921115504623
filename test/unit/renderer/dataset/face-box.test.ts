import { describe, expect, it } from 'vitest'
import { faceOnCopy } from '../../../../src/renderer/src/dataset/face-box'

describe("the face box on a photo's downscaled copy", () => {
  it('scales the box and eyes from the photo’s pixels to the copy’s', () => {
    const point = (x: number, y: number) => ({ x, y })
    const drawn = faceOnCopy({
      index: 0,
      file: 'pair.png',
      width: 256,
      height: 128,
      pixels: new Uint8Array(256 * 128 * 3),
      scale: 0.25,
      face: {
        box: { x: 400, y: 100, width: 200, height: 240 },
        score: 0.9,
        leftEye: point(460, 200),
        rightEye: point(540, 204),
        nose: point(500, 250),
        mouthLeft: point(470, 290),
        mouthRight: point(530, 290),
      },
    })
    expect(drawn.box).toEqual({ x: 100, y: 25, width: 50, height: 60 })
    expect(drawn.eyes).toEqual([point(115, 50), point(135, 51)])
  })
})
