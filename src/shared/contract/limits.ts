/**
 * Every limit the app enforces, in one place: what an artist's folder, a model, an export and
 * one request may be at most. Each is checked where the data enters, and the error names it.
 */
export const LIMITS = {
  /** Images in one dataset (200,000 at 64x64 is 2.4 GB of pixels). */
  datasetImages: 250_000,
  /** Bytes of one dataset's pixels: one typed array in Node holds at most 4 GiB. */
  datasetPixelBytes: 4 * 1024 ** 3 - 1,
  /** Pixels of one source image (a decompression bomb is a small file that claims a huge canvas). */
  imagePixels: 100_000_000,
  /** Bytes of one source image file; larger files are not read at all. */
  imageFileBytes: 256 * 1024 * 1024,
  /** A model's latent size L. */
  latentSize: 512,
  /** Values of a latent code carried inline in a recipe. */
  latentCode: 1024,
  /** Pixel size of each face of an export. */
  exportSize: 2048,
  /** Bytes of one request frame from the browser. */
  requestBytes: 256 * 1024 * 1024,
} as const

export type LimitName = keyof typeof LIMITS

const UNITS: Record<LimitName, string> = {
  datasetImages: 'images in a dataset',
  datasetPixelBytes: 'bytes of dataset pixels',
  imagePixels: 'pixels in one image',
  imageFileBytes: 'bytes in one image file',
  latentSize: 'latent dimensions',
  latentCode: 'values in a latent code',
  exportSize: 'pixels of export size',
  requestBytes: 'bytes in one request',
}

/** The words for a value over a limit: 'exportSize: at most 2048 pixels of export size'. */
export function limitMessage(name: LimitName, value?: number): string {
  const got = value === undefined ? '' : ` (got ${value})`
  return `over the limit ${name}: at most ${LIMITS[name]} ${UNITS[name]}${got}`
}

/** The message for `value` when it is over the limit `name`, else null. */
export function overLimit(name: LimitName, value: number): string | null {
  return value > LIMITS[name] ? limitMessage(name, value) : null
}
