import type { DataId } from '@tensorflow/tfjs-core'

/** How many of a filter's values are compared on every hit to catch changed data. */
const FINGERPRINT_SAMPLES = 256

/** A filter: its data's id and a view of its current values (read, never kept). */
export interface FilterSource {
  dataId: DataId
  values: ArrayLike<number>
}

interface Entry<V> {
  value: V
  /** Sampled values of the filter when `value` was made from it. */
  fingerprint: Float32Array
}

/**
 * What kernels derive from a filter (sub-filters cut from it, a packed copy), kept from the
 * second time the same thing is derived from the same filter data on: decoding with fixed
 * weights derives everything once, while training, whose weights are new every step, keeps
 * nothing. Keyed by the filter's dataId and a variant that names everything the value depends on
 * besides the filter's values.
 *
 * TF.js tensors are immutable (a Variable's `assign` gives it a new dataId), so a dataId's values
 * never change; still, every hit compares a sample of them with the ones the value was made from
 * and makes it again on any difference. Values of filters the backend no longer holds are
 * released on the next call (or by `forget`, from a backend's `disposeData`).
 */
export class FilterCache<V> {
  private readonly entries = new Map<DataId, Map<string, Entry<V>>>()
  private seen = new WeakMap<DataId, Set<string>>()

  constructor(
    /** Whether the backend still holds this data. */
    private readonly alive: (dataId: DataId) => boolean,
    /** Frees a value the cache owned. */
    private readonly release: (value: V) => void,
  ) {}

  /**
   * The value `variant` of `filter`: kept from before, or made by `make(keep)`, where `keep` says
   * whether the cache will own the value (from the second time on) or the caller (the first).
   */
  get(filter: FilterSource, variant: string, make: (keep: boolean) => V): V {
    this.sweep()
    const kept = this.entries.get(filter.dataId)
    const hit = kept?.get(variant)
    if (hit !== undefined) {
      if (sameFingerprint(hit.fingerprint, filter.values)) return hit.value
      this.release(hit.value)
      kept?.delete(variant)
    }
    const variants = this.seen.get(filter.dataId) ?? new Set<string>()
    this.seen.set(filter.dataId, variants)
    if (!variants.has(variant)) {
      variants.add(variant)
      return make(false)
    }
    // Sampled before `make`, which may grow the memory under `filter.values` (detaching it).
    const fingerprint = fingerprintOf(filter.values)
    const entry = { value: make(true), fingerprint }
    if (kept === undefined) this.entries.set(filter.dataId, new Map([[variant, entry]]))
    else kept.set(variant, entry)
    return entry.value
  }

  /** Releases the values of `dataId` now if the backend no longer holds it. */
  forget(dataId: DataId): void {
    const kept = this.entries.get(dataId)
    if (kept === undefined || this.alive(dataId)) return
    for (const { value } of kept.values()) this.release(value)
    this.entries.delete(dataId)
  }

  /** How many filters have values kept (tests). */
  get size(): number {
    this.sweep()
    return this.entries.size
  }

  /** Releases every value (they are made again on use). */
  clear(): void {
    for (const kept of this.entries.values())
      for (const { value } of kept.values()) this.release(value)
    this.entries.clear()
    this.seen = new WeakMap()
  }

  private sweep(): void {
    for (const dataId of [...this.entries.keys()]) this.forget(dataId)
  }
}

/** How many values are sampled of `size`, and the `k`th one's index (evenly spread, both ends included). */
function sampleCount(size: number): number {
  return Math.min(size, FINGERPRINT_SAMPLES)
}

function sampleIndex(k: number, count: number, size: number): number {
  return count <= 1 ? 0 : Math.round((k * (size - 1)) / (count - 1))
}

function fingerprintOf(values: ArrayLike<number>): Float32Array {
  const count = sampleCount(values.length)
  const fingerprint = new Float32Array(count)
  for (let k = 0; k < count; k++) fingerprint[k] = values[sampleIndex(k, count, values.length)]
  return fingerprint
}

/** Compared on every hit of a slider's decode: no allocation. */
function sameFingerprint(fingerprint: Float32Array, values: ArrayLike<number>): boolean {
  const count = sampleCount(values.length)
  if (count !== fingerprint.length) return false
  for (let k = 0; k < count; k++) {
    // Object.is: NaN equals NaN, and a flipped zero sign counts as a change.
    if (!Object.is(values[sampleIndex(k, count, values.length)], fingerprint[k])) return false
  }
  return true
}
