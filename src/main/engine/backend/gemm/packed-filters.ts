import type { DataId } from '@tensorflow/tfjs-core'
import type { WasmHeap } from './runtime'

/** Values of a filter compared on every hit, to catch data that changed under the same id. */
const FINGERPRINT = 32

interface Entry {
  pointer: number
  fingerprint: Float32Array
}

/**
 * Packed filters kept for the filters packed the same way more than once: decoding with fixed
 * weights (every frame of a slider) packs nothing after its first two calls. Training makes new
 * weights every step, each packed once per way: those are packed into scratch and never kept.
 * Entries of filters that no longer exist are freed as new ones come.
 */
export class PackedFilters {
  private readonly entries = new Map<DataId, Map<string, Entry>>()
  private readonly seen = new WeakMap<DataId, Set<string>>()

  constructor(
    private readonly heap: WasmHeap,
    /** Whether the backend still holds this data. */
    private readonly alive: (dataId: DataId) => boolean,
  ) {}

  /**
   * The filter `dataId` (`floats` floats at `address`) packed the way `variant` names, `bytes`
   * long: kept from an earlier call, or made now by `pack` into a kept buffer (second use) or
   * into `scratch()` (first use).
   */
  get(
    filter: { dataId: DataId; address: number; floats: number },
    variant: string,
    bytes: number,
    pack: (pointer: number) => void,
    scratch: () => number,
  ): number {
    const fingerprint = this.fingerprint(filter.address, filter.floats)
    const kept = this.entries.get(filter.dataId)
    const entry = kept?.get(variant)
    if (entry !== undefined) {
      if (entry.fingerprint.every((v, i) => Object.is(v, fingerprint[i]))) return entry.pointer
      this.heap.free(entry.pointer)
      kept?.delete(variant)
    }
    const variants = this.seen.get(filter.dataId) ?? new Set<string>()
    this.seen.set(filter.dataId, variants)
    if (!variants.has(variant)) {
      variants.add(variant)
      const pointer = scratch()
      pack(pointer)
      return pointer
    }
    this.sweep()
    const pointer = this.heap.malloc(bytes)
    if (pointer === 0) {
      const fallback = scratch()
      pack(fallback)
      return fallback
    }
    pack(pointer)
    const forFilter = this.entries.get(filter.dataId) ?? new Map<string, Entry>()
    forFilter.set(variant, { pointer, fingerprint })
    this.entries.set(filter.dataId, forFilter)
    return pointer
  }

  /** Frees every kept filter. */
  dispose(): void {
    for (const variants of this.entries.values()) {
      for (const { pointer } of variants.values()) this.heap.free(pointer)
    }
    this.entries.clear()
  }

  private sweep(): void {
    for (const [dataId, variants] of this.entries) {
      if (this.alive(dataId)) continue
      for (const { pointer } of variants.values()) this.heap.free(pointer)
      this.entries.delete(dataId)
    }
  }

  private fingerprint(address: number, floats: number): Float32Array {
    const values = new Float32Array(this.heap.memory.buffer, address, floats)
    const count = Math.min(FINGERPRINT, floats)
    return Float32Array.from(
      { length: count },
      (_, i) => values[count === 1 ? 0 : Math.round((i * (floats - 1)) / (count - 1))] as number,
    )
  }
}
