import type { WasmHeap } from './runtime'

/**
 * Named scratch buffers in the wasm heap, kept between calls and grown (by half again, at least)
 * when a call needs more. The kernels' calls are sequential, so one buffer per name and purpose.
 */
export class Scratch {
  private readonly buffers = new Map<string, { pointer: number; bytes: number }>()

  constructor(private readonly heap: WasmHeap) {}

  /**
   * The buffer `name`, at least `bytes` long, contents undefined; `allocated` is called with its
   * address and whole size whenever a new one is allocated (to initialise it once).
   */
  get(name: string, bytes: number, allocated?: (pointer: number, bytes: number) => void): number {
    const known = this.buffers.get(name)
    if (known !== undefined && known.bytes >= bytes) return known.pointer
    if (known !== undefined) this.heap.free(known.pointer)
    const size = Math.max(bytes, Math.ceil((known?.bytes ?? 0) * 1.5))
    const pointer = this.heap.malloc(size)
    if (pointer === 0) {
      this.buffers.delete(name)
      throw new Error(`The wasm heap has no room for ${size} bytes of scratch (${name}).`)
    }
    this.buffers.set(name, { pointer, bytes: size })
    allocated?.(pointer, size)
    return pointer
  }

  /** Frees every buffer. */
  dispose(): void {
    for (const { pointer } of this.buffers.values()) this.heap.free(pointer)
    this.buffers.clear()
  }
}
