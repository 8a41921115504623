import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import {
  ImageMagick,
  initializeImageMagick,
  MagickFormat,
  MagickReadSettings,
  ResourceLimits,
} from '@imagemagick/magick-wasm'

const nodeRequire = createRequire(import.meta.url)

/** The formats handed to ImageMagick, always named, so it never guesses a format itself. */
const MAGICK_FORMATS: Record<string, MagickFormat> = {
  bmp: MagickFormat.Bmp,
  pbm: MagickFormat.Pbm,
  pgm: MagickFormat.Pgm,
  ppm: MagickFormat.Ppm,
}

/** Raw pixels as sharp takes them (`sharp(data, { raw })`). */
export interface RawImage {
  data: Uint8Array
  width: number
  height: number
  channels: 3 | 4
}

let ready: Promise<void> | null = null

/** Loads ImageMagick's WebAssembly once, on the first file that needs it (about half a second). */
function initialize(maxPixels: number): Promise<void> {
  ready ??= readFile(nodeRequire.resolve('@imagemagick/magick-wasm/magick.wasm')).then(
    async (wasm) => {
      await initializeImageMagick(wasm)
      // A decompression bomb is refused before its pixels are allocated.
      ResourceLimits.area = BigInt(maxPixels)
    },
  )
  return ready
}

/**
 * Decodes a BMP or Netpbm file (`ext` as `detectFormat` names it) into 8-bit
 * RGB or RGBA. Throws ImageMagick's error for a damaged file.
 */
export async function decodeWithMagick(
  input: Uint8Array,
  ext: string,
  maxPixels: number,
): Promise<RawImage> {
  const format = MAGICK_FORMATS[ext]
  if (format === undefined) throw new Error(`decodeWithMagick: ${ext} is not a format it reads`)
  await initialize(maxPixels)
  return ImageMagick.read(input, new MagickReadSettings({ format }), (image) => {
    const channels = image.hasAlpha ? 4 : 3
    const width = image.width
    const height = image.height
    image.depth = 8
    return image.write(channels === 4 ? MagickFormat.Rgba : MagickFormat.Rgb, (data) => ({
      data: Uint8Array.from(data),
      width,
      height,
      channels,
    }))
  })
}
