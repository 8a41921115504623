import { join, resolve } from 'node:path'
import sharp from 'sharp'

/** The CelebA images the face tests paste into photos (absent where the data set is not there). */
export const CELEBA = resolve(__dirname, '../../../../../../shared/data/celeba-8k/images')

/**
 * Largest MSE per pixel (0..1) allowed between a face's aligned crop and its
 * `--crop celeba`: measured 0.020 mean on 40 such faces, against 0.12 for the centre crop.
 */
export const MAX_ALIGNED_MSE = 0.05

/** The background of the made photos: a plain colour that holds no face. */
const BACKGROUND = '#7a9a5a'

/** One CelebA face placed in a made photo: its scale, tilt in degrees, and top-left corner. */
export interface Placement {
  file: string
  scale: number
  tilt: number
  left: number
  top: number
}

/** CelebA faces pasted at their scale, tilt and place onto one plain photo (PNG bytes). */
export async function pastedPhoto(faces: Placement[], width = 320, height = 320): Promise<Buffer> {
  const layers = await Promise.all(
    faces.map(async ({ file, scale, tilt, left, top }) => ({
      input: await sharp(join(CELEBA, file))
        .resize(Math.round(89 * scale), Math.round(109 * scale))
        .rotate(tilt, { background: BACKGROUND })
        .png()
        .toBuffer(),
      left,
      top,
    })),
  )
  return sharp({ create: { width, height, channels: 3, background: BACKGROUND } })
    .composite(layers)
    .png()
    .toBuffer()
}

/** Mean squared error per value (0..1) between two byte images of the same shape. */
export function meanSquaredError(x: Uint8Array, y: Uint8Array): number {
  let sum = 0
  for (let k = 0; k < x.length; k++) sum += ((x[k] - y[k]) / 255) ** 2
  return sum / x.length
}
