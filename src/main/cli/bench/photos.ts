import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
import { mulberry32 } from '../../engine/random'
import { rasterizeFace, syntheticFace } from '../../engine/data/synthetic'

/** A 12-megapixel camera's frame. */
export const PHOTO_WIDTH = 4000
export const PHOTO_HEIGHT = 3000

/**
 * Writes `count` photo-sized JPEGs (4000 x 3000, quality 90) into `folder`:
 * synthetic faces enlarged, with sensor-like noise so that they compress
 * (and decode) like photographs rather than flat drawings.
 */
export async function writeTestPhotos(folder: string, count: number): Promise<void> {
  const random = mulberry32(12)
  for (let i = 0; i < count; i++) {
    const face = await rasterizeFace(syntheticFace(7, i).face, 512)
    const { data, info } = await sharp(face, { raw: { width: 512, height: 512, channels: 3 } })
      .resize(PHOTO_WIDTH, PHOTO_HEIGHT, { fit: 'fill' })
      .raw()
      .toBuffer({ resolveWithObject: true })
    for (let k = 0; k < data.length; k++) {
      data[k] = Math.max(0, Math.min(255, data[k] + Math.round((random() - 0.5) * 16)))
    }
    const jpeg = await sharp(data, { raw: info }).jpeg({ quality: 90 }).toBuffer()
    await writeFile(join(folder, `photo ${String(i).padStart(3, '0')}.jpg`), jpeg)
  }
}
