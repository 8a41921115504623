/** What the fast JPEG path needs to know from a file's markers, read without decoding. */
export interface JpegHeader {
  width: number
  height: number
  /** 1 (grey) or 3 (YCbCr); 4 is CMYK or YCCK. */
  components: number
  /** EXIF orientation (1 = upright, also when there is no EXIF). */
  orientation: number
  /** An embedded ICC profile (APP2 ICC_PROFILE), which asks for colour management. */
  hasIccProfile: boolean
  /** An Adobe APP14 marker: its colour transform may not be YCbCr. */
  hasAdobeMarker: boolean
  /** The file ends with an end-of-image marker (a truncated file does not). */
  complete: boolean
}

const SOI = 0xd8
const EOI = 0xd9
const SOS = 0xda

/**
 * Reads a JPEG's markers up to its first scan: size, components, EXIF
 * orientation and whether it carries an ICC profile. Null when `input` is not
 * a well-formed JPEG up to there (the slow path then decides what it is).
 */
export function readJpegHeader(input: Uint8Array): JpegHeader | null {
  if (input.length < 4 || input[0] !== 0xff || input[1] !== SOI) return null
  const header: JpegHeader = {
    width: 0,
    height: 0,
    components: 0,
    orientation: 1,
    hasIccProfile: false,
    hasAdobeMarker: false,
    complete: endsWithEoi(input),
  }
  let at = 2
  while (at + 4 <= input.length) {
    if (input[at] !== 0xff) return null
    const marker = input[at + 1]
    if (marker === 0xff) {
      at++ // fill byte
      continue
    }
    if (marker === SOS || marker === EOI) break
    const length = (input[at + 2] << 8) | input[at + 3]
    const body = at + 4
    if (length < 2 || at + 2 + length > input.length) return null
    if (isStartOfFrame(marker) && length >= 8) {
      header.height = (input[body + 1] << 8) | input[body + 2]
      header.width = (input[body + 3] << 8) | input[body + 4]
      header.components = input[body + 5]
    } else if (marker === 0xe1 && startsWith(input, body, 'Exif\0\0')) {
      header.orientation = exifOrientation(input.subarray(body + 6, at + 2 + length))
    } else if (marker === 0xe2 && startsWith(input, body, 'ICC_PROFILE\0')) {
      header.hasIccProfile = true
    } else if (marker === 0xee && startsWith(input, body, 'Adobe')) {
      header.hasAdobeMarker = true
    }
    at += 2 + length
  }
  return header.width > 0 && header.height > 0 ? header : null
}

/** SOF0..SOF15, less DHT (C4), JPG (C8) and DAC (CC), which share the range. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc
}

function endsWithEoi(input: Uint8Array): boolean {
  // Some writers pad after the EOI marker: look at the last few bytes.
  for (let i = input.length - 2; i >= Math.max(2, input.length - 64); i--) {
    if (input[i] === 0xff && input[i + 1] === EOI) return true
  }
  return false
}

function startsWith(input: Uint8Array, at: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (input[at + i] !== text.charCodeAt(i)) return false
  return true
}

/** The orientation tag (0x0112) of IFD0 in a TIFF-structured EXIF block; 1 when absent or unreadable. */
function exifOrientation(tiff: Uint8Array): number {
  if (tiff.length < 8) return 1
  const little = tiff[0] === 0x49 && tiff[1] === 0x49
  const u16 = (i: number) => (little ? tiff[i] | (tiff[i + 1] << 8) : (tiff[i] << 8) | tiff[i + 1])
  const u32 = (i: number) => (little ? u16(i) + u16(i + 2) * 65536 : u16(i) * 65536 + u16(i + 2))
  const ifd = u32(4)
  if (ifd + 2 > tiff.length) return 1
  const entries = u16(ifd)
  for (let e = 0; e < entries; e++) {
    const entry = ifd + 2 + e * 12
    if (entry + 12 > tiff.length) return 1
    if (u16(entry) === 0x0112) {
      const value = u16(entry + 8)
      return value >= 1 && value <= 8 ? value : 1
    }
  }
  return 1
}
