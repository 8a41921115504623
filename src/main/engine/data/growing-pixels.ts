import { MAX_DATASET_IMAGES } from '@shared/contract'
import { EngineError } from '@shared/protocol'
import { imageBytes, MAX_PIXEL_BYTES } from './store'

/**
 * The pixels an ingest fills: one position per found file (its slot, in name order),
 * and more appended past them when a photo yields more than one image (`--faces all`).
 * The buffer grows by half when full; nothing hands out views of it, because a
 * growth replaces it while other files are still being read. `gather` then puts the
 * kept images in dataset order, in place.
 */
export class GrowingPixels {
  private buffer: Uint8Array
  private used: number
  private readonly bytes: number

  constructor(
    readonly size: number,
    slots: number,
  ) {
    this.bytes = imageBytes(size)
    this.used = slots
    this.buffer = new Uint8Array(Math.max(1, slots) * this.bytes)
  }

  /** Positions in use (the slots and every image appended). */
  get count(): number {
    return this.used
  }

  /** A new position past the slots, growing the buffer when it is full. */
  add(): number {
    const limit = Math.min(MAX_DATASET_IMAGES, Math.floor(MAX_PIXEL_BYTES / this.bytes))
    if (this.used + 1 > limit) {
      throw new EngineError(
        'bad_request',
        `The faces found so far make more than ${limit} images of ${this.size}x${this.size}, more than one dataset holds; ingest a sub-folder, keep only the largest face of each photo, or use a smaller size.`,
      )
    }
    if ((this.used + 1) * this.bytes > this.buffer.length) {
      const images = Math.min(limit, Math.max(this.used + 1, Math.ceil(this.used * 1.5)))
      const grown = new Uint8Array(images * this.bytes)
      grown.set(this.buffer.subarray(0, this.used * this.bytes))
      this.buffer = grown
    }
    return this.used++
  }

  /** Copies one image's bytes to `position`. */
  set(position: number, pixels: Uint8Array): void {
    if (pixels.length !== this.bytes || position < 0 || position >= this.used) {
      throw new RangeError(
        `GrowingPixels.set: ${pixels.length} bytes at position ${position} of ${this.used}`,
      )
    }
    this.buffer.set(pixels, position * this.bytes)
  }

  /**
   * Moves the images at positions `order` (each at most once) to positions
   * 0..order.length-1, in place (cycle by cycle, one image of scratch), and
   * returns those images' bytes: the dataset's pixels.
   */
  gather(order: readonly number[]): Uint8Array {
    const n = this.bytes
    const buffer = this.buffer
    // `from[d]` is the position whose image goes to d; the positions left out fill the rest.
    const from = order.slice()
    const taken = new Uint8Array(this.used)
    for (const p of order) {
      if (taken[p]) throw new RangeError(`GrowingPixels.gather: position ${p} given twice`)
      taken[p] = 1
    }
    for (let p = 0; p < this.used; p++) if (!taken[p]) from.push(p)
    const moved = new Uint8Array(this.used)
    const scratch = new Uint8Array(n)
    for (let start = 0; start < this.used; start++) {
      if (moved[start]) continue
      moved[start] = 1
      if (from[start] === start) continue
      scratch.set(buffer.subarray(start * n, (start + 1) * n))
      let d = start
      while (from[d] !== start) {
        const s = from[d]
        buffer.copyWithin(d * n, s * n, (s + 1) * n)
        moved[s] = 1
        d = s
      }
      buffer.set(scratch, d * n)
    }
    return buffer.subarray(0, order.length * n)
  }
}
