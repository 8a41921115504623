import type { Rendered } from '@shared/contract'

/**
 * Paints rendered frames (RGBA) onto a canvas as a grid of `columns`, each
 * frame `scale` times its size, pixelated so the model's own resolution shows.
 */
export function drawFrames(
  canvas: HTMLCanvasElement,
  rendered: Pick<Rendered, 'frames' | 'size' | 'pixels'>,
  options: { columns?: number; scale?: number; gap?: number } = {},
): void {
  const { frames, size, pixels } = rendered
  const columns = Math.max(1, Math.min(options.columns ?? frames, frames))
  const rows = Math.ceil(frames / columns)
  const scale = options.scale ?? 1
  const gap = options.gap ?? 2
  const cell = size * scale
  canvas.width = columns * cell + (columns - 1) * gap
  canvas.height = rows * cell + (rows - 1) * gap
  const context = canvas.getContext('2d')
  if (!context) return
  context.imageSmoothingEnabled = false
  context.clearRect(0, 0, canvas.width, canvas.height)
  const tile = document.createElement('canvas')
  tile.width = size
  tile.height = size
  const tileContext = tile.getContext('2d')
  if (!tileContext) return
  const bytes = size * size * 4
  for (let f = 0; f < frames; f++) {
    // A copy: ImageData wants its own ArrayBuffer-backed array.
    const data = new Uint8ClampedArray(bytes)
    data.set(pixels.subarray(f * bytes, (f + 1) * bytes))
    tileContext.putImageData(new ImageData(data, size, size), 0, 0)
    const x = (f % columns) * (cell + gap)
    const y = Math.floor(f / columns) * (cell + gap)
    context.drawImage(tile, x, y, cell, cell)
  }
}
