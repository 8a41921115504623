import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import type { CropMode } from '../store'
import { readJpegHeader, type JpegHeader } from './jpeg-header'
import { resampleKernels } from './lanczos-wasm'
import { squareFromRgba } from './square'

/**
 * Larger JPEGs go to sharp: libjpeg there decodes them at 1/2..1/8 scale
 * (shrink-on-load), which beats a full-size decode here.
 */
export const FAST_JPEG_MAX_PIXELS = 1_000_000

interface DecodedRgba {
  data: Uint8ClampedArray
  width: number
  height: number
}
type JpegDecode = (input: ArrayBuffer | Uint8Array) => Promise<DecodedRgba>

let decoder: Promise<JpegDecode> | null = null

/** libjpeg-turbo (MozJPEG's decoder) as WebAssembly: one call per image, no thread hand-off. */
function jpegDecoder(): Promise<JpegDecode> {
  decoder ??= (async () => {
    const { default: decode, init } = await import('@jsquash/jpeg/decode.js')
    const require = createRequire(typeof __filename === 'string' ? __filename : import.meta.url)
    const wasm = await readFile(require.resolve('@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm'))
    await init(await WebAssembly.compile(wasm))
    return decode as unknown as JpegDecode
  })()
  return decoder
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
  const header = readJpegHeader(input)
  if (!header || !fastJpegFits(header)) return null
  let image: DecodedRgba
  try {
    image = await (await jpegDecoder())(input)
  } catch {
    return null
  }
  if (image.width !== header.width || image.height !== header.height) return null
  const rgba = new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.length)
  return squareFromRgba(await resampleKernels(), rgba, image.width, image.height, size, crop)
}
