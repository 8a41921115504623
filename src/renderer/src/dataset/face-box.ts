import type { FaceSource } from '@shared/contract'

/** A rectangle on the photo's copy, in its pixels. */
export interface BoxOnCopy {
  x: number
  y: number
  width: number
  height: number
}

/** Where the face's box and eyes fall on the downscaled copy of its photo. */
export function faceOnCopy(source: FaceSource): {
  box: BoxOnCopy
  eyes: { x: number; y: number }[]
} {
  const k = source.scale
  const { box, leftEye, rightEye } = source.face
  return {
    box: { x: box.x * k, y: box.y * k, width: box.width * k, height: box.height * k },
    eyes: [leftEye, rightEye].map((e) => ({ x: e.x * k, y: e.y * k })),
  }
}
