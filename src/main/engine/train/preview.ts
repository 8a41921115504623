import * as tf from '@tensorflow/tfjs-core'
import { batchToFloat, imageBytes, imagePixels, type Dataset } from '../data/store'
import { decode, encode, type Vae } from '../model/vae'
import { toRgbBytes } from './pixels'
import type { TrainPreviewInfo } from './trainer'

/** Reconstructions of a few fixed images: held-out ones when there are enough. */
export function previewer(dataset: Dataset, trainCount: number, count: number) {
  const first = dataset.count - trainCount >= count ? trainCount : 0
  const indices = Array.from({ length: count }, (_, i) => first + i)
  const originals = new Uint8Array(count * imageBytes(dataset.size))
  indices.forEach((index, i) =>
    originals.set(imagePixels(dataset, index), i * imageBytes(dataset.size)),
  )
  const pixels = batchToFloat(dataset, indices)
  return async (vae: Vae): Promise<Omit<TrainPreviewInfo, 'step' | 'epoch'>> => {
    const images = tf.tidy(() => {
      const x = tf.tensor4d(pixels, [count, dataset.size, dataset.size, 3])
      return decode(vae, encode(vae, x).mu)
    })
    try {
      return {
        size: dataset.size,
        count,
        originals,
        reconstructions: await toRgbBytes(images),
      }
    } finally {
      images.dispose()
    }
  }
}
