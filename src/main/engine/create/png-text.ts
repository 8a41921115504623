/**
 * Text inside PNG files: writes an iTXt chunk (UTF-8, uncompressed) right after
 * IHDR and reads tEXt/iTXt chunks back. Written by hand because sharp only
 * writes EXIF/XMP, and a PNG text chunk is what image viewers and
 * `exiftool`/`pngcheck` show as metadata.
 */

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

const CRC_TABLE = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

/** CRC-32 as PNG (and zlib) define it. */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8)
  return ~c >>> 0
}

/** One chunk: length, type, data, CRC over type and data. */
export function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length, 0)
  head.write(type, 4, 'latin1')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4, 8))), 0)
  return Buffer.concat([head, data, crc])
}

/** Returns a copy of `png` with an iTXt chunk `keyword` = `text` inserted after IHDR. */
export function withTextChunk(png: Uint8Array, keyword: string, text: string): Buffer {
  const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength)
  if (buf.length < 33 || !buf.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG file')
  if (!/^[\x20-\x7e]{1,79}$/.test(keyword)) throw new Error(`bad PNG text keyword '${keyword}'`)
  const ihdrLength = buf.readUInt32BE(8)
  if (buf.toString('latin1', 12, 16) !== 'IHDR') throw new Error('PNG without IHDR first')
  const afterIhdr = 8 + 12 + ihdrLength
  // iTXt: keyword, NUL, compression flag 0, method 0, empty language tag NUL, empty translated keyword NUL, text.
  const data = Buffer.concat([
    Buffer.from(keyword, 'latin1'),
    Buffer.from([0, 0, 0, 0, 0]),
    Buffer.from(text, 'utf8'),
  ])
  return Buffer.concat([
    buf.subarray(0, afterIhdr),
    pngChunk('iTXt', data),
    buf.subarray(afterIhdr),
  ])
}

/** Every uncompressed tEXt and iTXt chunk of `png`, keyword to text; checks each chunk's CRC. */
export function readTextChunks(png: Uint8Array): Map<string, string> {
  const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength)
  if (buf.length < 8 || !buf.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG file')
  const found = new Map<string, string>()
  let at = 8
  while (at + 12 <= buf.length) {
    const length = buf.readUInt32BE(at)
    const type = buf.toString('latin1', at + 4, at + 8)
    const end = at + 12 + length
    if (end > buf.length) throw new Error('PNG file is truncated')
    const data = buf.subarray(at + 8, at + 8 + length)
    if (type === 'tEXt' || type === 'iTXt') {
      if (crc32(data, crc32(buf.subarray(at + 4, at + 8))) !== buf.readUInt32BE(at + 8 + length)) {
        throw new Error(`PNG ${type} chunk is damaged (CRC mismatch)`)
      }
      const nul = data.indexOf(0)
      if (nul > 0) {
        const keyword = data.toString('latin1', 0, nul)
        if (type === 'tEXt') found.set(keyword, data.toString('latin1', nul + 1))
        else if (data[nul + 1] === 0) {
          // Skip the compression bytes, language tag and translated keyword.
          const lang = data.indexOf(0, nul + 3)
          const translated = lang < 0 ? -1 : data.indexOf(0, lang + 1)
          if (translated >= 0) found.set(keyword, data.toString('utf8', translated + 1))
        }
      }
    }
    if (type === 'IEND') break
    at = end
  }
  return found
}
