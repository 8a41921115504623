/**
 * Lays `count` RGB images (count x size x size x 3) out in rows of `columns`, left to right and
 * top to bottom; returns the sheet's RGB bytes and size (unfilled cells stay black).
 */
export function imageGrid(
  images: Uint8Array,
  count: number,
  size: number,
  columns: number,
): { width: number; height: number; pixels: Uint8Array } {
  const rows = Math.ceil(count / columns)
  const width = columns * size
  const height = rows * size
  const pixels = new Uint8Array(width * height * 3)
  const rowBytes = size * 3
  for (let i = 0; i < count; i++) {
    const x0 = (i % columns) * size
    const y0 = Math.floor(i / columns) * size
    for (let y = 0; y < size; y++) {
      const from = (i * size + y) * rowBytes
      pixels.set(images.subarray(from, from + rowBytes), ((y0 + y) * width + x0) * 3)
    }
  }
  return { width, height, pixels }
}

/**
 * Interleaves originals and reconstructions by rows of `columns`: a row of originals, the row of
 * their reconstructions under it, and so on (the layout of a reconstruction sheet).
 */
export function pairRows(
  originals: Uint8Array,
  reconstructions: Uint8Array,
  count: number,
  size: number,
  columns: number,
): Uint8Array {
  const image = size * size * 3
  const out = new Uint8Array(count * 2 * image)
  let o = 0
  for (let start = 0; start < count; start += columns) {
    const n = Math.min(columns, count - start)
    for (const source of [originals, reconstructions]) {
      out.set(source.subarray(start * image, (start + n) * image), o)
      o += n * image
    }
  }
  return out
}
