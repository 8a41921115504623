import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import type { MozJPEGModule as MozJpegModule } from '@jsquash/jpeg/codec/dec/mozjpeg_dec'
import type { CropMode } from '../store'
import { readJpegHeader, type JpegHeader } from './jpeg-header'
import { resampleKernels } from './lanczos-wasm'
import { squareFromRgba } from './square'

/**
 * Larger JPEGs go to sharp: libjpeg there decodes them at 1/2..1/8 scale
 * (shrink-on-load), which beats a full-size decode here.
 */
export const FAST_JPEG_MAX_PIXELS = 1_000_000

/** The fast path once its codec and kernels are ready: the square, or null when the file is not for it. */
export type FastJpeg = (
  input: Uint8Array,
  size: number,
  crop: Exclude<CropMode, 'face'>,
) => Uint8Array | null

let ready: Promise<FastJpeg> | null = null

/**
 * libjpeg-turbo (MozJPEG's decoder) as WebAssembly and the resample kernels,
 * loaded once per thread; then each image is one synchronous call, no thread
 * hand-off and no promise per image.
 */
export function fastJpeg(): Promise<FastJpeg> {
  ready ??= (async () => {
    const [codec, kernels] = await Promise.all([jpegModule(), resampleKernels()])
    return (input, size, crop) => {
      const header = readJpegHeader(input)
      if (!header || !fastJpegFits(header)) return null
      let image: ImageData | null
      try {
        image = codec.decode(input as Uint8Array<ArrayBuffer>, false)
      } catch {
        return null
      }
      if (!image || image.width !== header.width || image.height !== header.height) return null
      const rgba = new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.length)
      return squareFromRgba(kernels, rgba, image.width, image.height, size, crop)
    }
  })()
  return ready
}

/** The codec's Emscripten module, through @jsquash/jpeg's own loader, from the compiled wasm file. */
async function jpegModule(): Promise<MozJpegModule> {
  const [{ default: factory }, { initEmscriptenModule }] = await Promise.all([
    import('@jsquash/jpeg/codec/dec/mozjpeg_dec.js'),
    import('@jsquash/jpeg/utils.js'),
  ])
  const require = createRequire(typeof __filename === 'string' ? __filename : import.meta.url)
  const wasm = await readFile(require.resolve('@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm'))
  return initEmscriptenModule(factory, await WebAssembly.compile(wasm))
}

/**
 * Whether the fast path gives what sharp would: a complete, upright, small
 * grey or YCbCr JPEG without a colour profile to apply. Anything else is sharp's.
 */
export function fastJpegFits(header: JpegHeader): boolean {
  return (
    header.complete &&
    (header.components === 1 || header.components === 3) &&
    !header.hasIccProfile &&
    !header.hasAdobeMarker &&
    header.orientation === 1 &&
    header.width * header.height <= FAST_JPEG_MAX_PIXELS
  )
}

/**
 * The dataset square of a plain small JPEG, decoded and resampled in this
 * thread; null when the file is not one (the caller then uses sharp, which
 * also words any rejection).
 */
export async function preprocessJpegFast(
  input: Uint8Array,
  size: number,
  crop: Exclude<CropMode, 'face'>,
): Promise<Uint8Array | null> {
  return (await fastJpeg())(input, size, crop)
}
