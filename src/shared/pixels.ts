/** RGB bytes to opaque RGBA bytes: the engine's images as the screen's ImageData wants them. */
export function rgbToRgba(rgb: Uint8Array): Uint8Array<ArrayBuffer> {
  const n = rgb.length / 3
  const out = new Uint8Array(n * 4)
  for (let i = 0; i < n; i++) {
    out[i * 4] = rgb[i * 3]
    out[i * 4 + 1] = rgb[i * 3 + 1]
    out[i * 4 + 2] = rgb[i * 3 + 2]
    out[i * 4 + 3] = 255
  }
  return out
}
