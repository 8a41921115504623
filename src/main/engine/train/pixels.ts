import type * as tf from '@tensorflow/tfjs-core'

/** Images [B, S, S, 3] in 0..1 -> RGB bytes (B x S x S x 3), as the dataset stores them. */
export async function toRgbBytes(images: tf.Tensor4D): Promise<Uint8Array> {
  return floatToBytes((await images.data()) as Float32Array)
}

/** Floats in 0..1 -> bytes 0..255, rounded and clamped. */
export function floatToBytes(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length)
  for (let i = 0; i < values.length; i++) {
    out[i] = Math.round(Math.min(1, Math.max(0, values[i] as number)) * 255)
  }
  return out
}
