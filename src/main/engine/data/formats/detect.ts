import { FileTypeParser, type Detector, type FileTypeResult } from 'file-type'

/** Bytes read from the start of a file to judge its format (file-type's recommended sample). */
export const HEADER_BYTES = 4100

/** Who decodes a format: sharp (libvips) natively, ImageMagick (WebAssembly) for the rest. */
export type FormatReader = 'sharp' | 'magick'

/** A file's format as judged from its first bytes. */
export interface DetectedFormat {
  /** For people: 'JPEG', 'PGM', 'PSD'... */
  name: string
  /** file-type's extension for it ('jpg', 'pgm', 'psd'...). */
  ext: string
  /** Whether it is a picture format at all (a PDF or a ZIP is not). */
  image: boolean
  /** Who reads it; absent for a picture format this app does not read. */
  reader?: FormatReader
}

/** Formats read, by file-type's extension: sharp's own, then those only ImageMagick reads here. */
const READERS: Record<string, { name: string; reader: FormatReader }> = {
  jpg: { name: 'JPEG', reader: 'sharp' },
  png: { name: 'PNG', reader: 'sharp' },
  webp: { name: 'WebP', reader: 'sharp' },
  gif: { name: 'GIF', reader: 'sharp' },
  tif: { name: 'TIFF', reader: 'sharp' },
  avif: { name: 'AVIF', reader: 'sharp' },
  bmp: { name: 'BMP', reader: 'magick' },
  pbm: { name: 'PBM', reader: 'magick' },
  pgm: { name: 'PGM', reader: 'magick' },
  ppm: { name: 'PPM', reader: 'magick' },
}

/**
 * Netpbm's magic numbers (P1..P6 then whitespace), which file-type does not
 * know: a detector plugged into its parser, not a decoder.
 */
const netpbm: Detector = {
  id: 'netpbm',
  detect: async (tokenizer) => {
    const head = new Uint8Array(3)
    await tokenizer.peekBuffer(head, { length: 3, mayBeLess: true })
    if (head[0] !== 0x50 || head[1] < 0x31 || head[1] > 0x36) return undefined
    if (![0x20, 0x09, 0x0a, 0x0d, 0x23].includes(head[2])) return undefined
    const kind = (head[1] - 0x31) % 3
    const ext = (['pbm', 'pgm', 'ppm'] as const)[kind]
    const mime = `image/x-portable-${['bitmap', 'graymap', 'pixmap'][kind]}`
    // file-type types `ext` as its own formats' union; a custom detector's are outside it.
    return { ext, mime } as unknown as FileTypeResult
  },
}

/**
 * file-type's own JPEG test (FF D8 FF, and not JPEG-LS's F7 after it), which
 * no signature it tries earlier can match: most files of a photo folder are
 * judged without a parser and its buffers (a third of a small JPEG's scan time).
 */
function isPlainJpeg(header: Uint8Array): boolean {
  return (
    header.length >= 4 &&
    header[0] === 0xff &&
    header[1] === 0xd8 &&
    header[2] === 0xff &&
    header[3] !== 0xf7
  )
}

/** The format of a file from its first bytes (`HEADER_BYTES` suffice), or null when no known format matches. */
export async function detectFormat(header: Uint8Array): Promise<DetectedFormat | null> {
  if (isPlainJpeg(header)) return { ...READERS.jpg, ext: 'jpg', image: true }
  // A parser per call: one keeps the file it reads as its own state, so two files at once would mix.
  const type = await new FileTypeParser({ customDetectors: [netpbm] }).fromBuffer(header)
  if (!type) return null
  const known = READERS[type.ext]
  if (known) return { ...known, ext: type.ext, image: true }
  return { name: type.ext.toUpperCase(), ext: type.ext, image: type.mime.startsWith('image/') }
}
