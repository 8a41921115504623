import type * as tf from '@tensorflow/tfjs-core'

/** Images [B, S, S, 3] in 0..1 -> RGB bytes (B x S x S x 3), as the dataset stores them. */
export async function toRgbBytes(images: tf.Tensor4D): Promise<Uint8Array> {
  return floatToBytes((await images.data()) as Float32Array)
}

/**
 * Floats in 0..1 -> bytes 0..255, rounded half up and clamped (NaN -> 0). `v * 255 + 0.5` is
 * exact in doubles for a float32 `v`, so truncating it rounds as Math.round does, without the
 * call: 40 against 100 us for one 64x64 image.
 */
export function floatToBytes(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length)
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number
    out[i] = v >= 1 ? 255 : v > 0 ? (v * 255 + 0.5) | 0 : 0
  }
  return out
}
