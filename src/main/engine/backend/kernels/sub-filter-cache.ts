import type { DataId, KernelBackend, TensorInfo } from '@tensorflow/tfjs-core'
import type { KernelRunner } from './kernel-runner'

/** A filter cut from another one in JS (values in the backend's layout, row-major). */
export interface SubFilter {
  values: Float32Array
  shape: number[]
}

/**
 * What the cache needs from a backend beyond `KernelBackend`: whether a dataId is still alive,
 * and a view of its values without a copy (wasm has both; a backend without them is not cached).
 */
interface InspectableBackend {
  dataIdMap: { has(dataId: DataId): boolean }
  typedArrayFromHeap(info: TensorInfo): ArrayLike<number>
}

function inspectable(backend: KernelBackend): InspectableBackend | null {
  const b = backend as unknown as Partial<InspectableBackend>
  return typeof b.dataIdMap?.has === 'function' && typeof b.typedArrayFromHeap === 'function'
    ? (b as InspectableBackend)
    : null
}

/** How many of a filter's values are compared on every hit to catch a changed filter. */
const FINGERPRINT_SAMPLES = 256

interface Entry {
  /** Sampled values of the source filter when the sub-filters were cut. */
  fingerprint: Float32Array
  /** The sub-filters' backend data, owned by the cache (null: a phase no tap reaches). */
  filters: Array<TensorInfo | null>
}

interface BackendCache {
  backend: KernelBackend
  inspect: InspectableBackend
  /** Source filter dataId -> (cut, e.g. strategy and geometry) -> prepared sub-filters. */
  entries: Map<DataId, Map<string, Entry>>
}

const caches = new WeakMap<KernelBackend, BackendCache>()
/** Filters met once: sub-filters are cached from a filter's second use on, so a filter used once
 * (every training step makes new weights) costs nothing extra and holds no memory. */
const seen = new WeakMap<KernelBackend, WeakSet<DataId>>()

function sampleIndices(size: number): number[] {
  const count = Math.min(size, FINGERPRINT_SAMPLES)
  return Array.from({ length: count }, (_, i) =>
    count <= 1 ? 0 : Math.round((i * (size - 1)) / (count - 1)),
  )
}

function fingerprintOf(values: ArrayLike<number>): Float32Array {
  const indices = sampleIndices(values.length)
  return Float32Array.from(indices, (i) => values[i])
}

function sameFingerprint(fingerprint: Float32Array, values: ArrayLike<number>): boolean {
  const indices = sampleIndices(values.length)
  if (indices.length !== fingerprint.length) return false
  for (let k = 0; k < indices.length; k++) {
    const v = values[indices[k]]
    // Object.is: NaN equals NaN, and a flipped zero sign counts as a change.
    if (!Object.is(v, fingerprint[k])) return false
  }
  return true
}

function freeEntry(backend: KernelBackend, entry: Entry): void {
  for (const f of entry.filters) if (f !== null) backend.disposeData(f.dataId)
}

/**
 * Frees a filter's sub-filters in the same call that frees the filter's data (a model disposed
 * gives its memory back at once, not on the next transposed convolution): wraps this backend
 * object's `disposeData`, once.
 */
function freeWithSource(cache: BackendCache): void {
  const backend = cache.backend
  const disposeData = backend.disposeData.bind(backend)
  backend.disposeData = (dataId: DataId, force?: boolean): boolean => {
    const released = disposeData(dataId, force)
    if (cache.entries.has(dataId) && !cache.inspect.dataIdMap.has(dataId)) {
      for (const entry of cache.entries.get(dataId)?.values() ?? []) freeEntry(backend, entry)
      cache.entries.delete(dataId)
    }
    return released
  }
}

/** Frees the sub-filters of every filter whose data the backend no longer holds. */
function sweep(cache: BackendCache): void {
  for (const [dataId, cuts] of cache.entries) {
    if (cache.inspect.dataIdMap.has(dataId)) continue
    for (const entry of cuts.values()) freeEntry(cache.backend, entry)
    cache.entries.delete(dataId)
  }
}

/**
 * Sub-filters of `filter` made by `cut` from its values, as backend tensors ready for the
 * backend's `Conv2D`. From a filter's second use on they are kept (keyed by the filter's dataId
 * and `key`, which must name everything `cut` depends on besides the values), so the backend
 * sees the same filter data again and keeps its packed weights (XNNPACK prepares a filter once
 * per dataId): decoding one image is mostly that preparation otherwise.
 *
 * TF.js tensors are immutable (a Variable's `assign` gives it a new dataId), so a dataId's values
 * never change; still, every hit compares a sample of the filter's values with the ones the
 * sub-filters were cut from and cuts again on any difference. Entries are freed with their
 * filter's data (the backend's `disposeData` is wrapped for that; every call also sweeps), or by
 * `clearSubFilterCache()`.
 *
 * The returned tensors belong to the cache or to `runner`: never keep or free them.
 */
export function cachedSubFilters(
  runner: KernelRunner,
  filter: TensorInfo,
  key: string,
  cut: (values: Float32Array) => Array<SubFilter | null>,
): Array<TensorInfo | null> {
  const backend = runner.backend
  const inspect = inspectable(backend)
  if (inspect === null) return uncached(runner, filter, cut)
  let cache = caches.get(backend)
  if (cache === undefined) {
    cache = { backend, inspect, entries: new Map() }
    caches.set(backend, cache)
    freeWithSource(cache)
  }
  sweep(cache)

  const cuts = cache.entries.get(filter.dataId)
  const hit = cuts?.get(key)
  if (hit !== undefined) {
    if (sameFingerprint(hit.fingerprint, inspect.typedArrayFromHeap(filter))) return hit.filters
    freeEntry(backend, hit)
    cuts?.delete(key)
  }

  let met = seen.get(backend)
  if (met === undefined) {
    met = new WeakSet()
    seen.set(backend, met)
  }
  if (!met.has(filter.dataId)) {
    met.add(filter.dataId)
    return uncached(runner, filter, cut)
  }

  const values = backend.readSync(filter.dataId) as Float32Array
  const filters = cut(values).map((sub): TensorInfo | null =>
    sub === null
      ? null
      : {
          dataId: backend.write(sub.values, sub.shape, 'float32'),
          shape: sub.shape,
          dtype: 'float32',
        },
  )
  const entry: Entry = { fingerprint: fingerprintOf(values), filters }
  if (cuts === undefined) cache.entries.set(filter.dataId, new Map([[key, entry]]))
  else cuts.set(key, entry)
  return filters
}

function uncached(
  runner: KernelRunner,
  filter: TensorInfo,
  cut: (values: Float32Array) => Array<SubFilter | null>,
): Array<TensorInfo | null> {
  const values = runner.backend.readSync(filter.dataId) as Float32Array
  return cut(values).map((sub) => (sub === null ? null : runner.fromValues(sub.values, sub.shape)))
}

/** How many filters have cached sub-filters on `backend` (tests). */
export function subFilterCacheSize(backend: KernelBackend): number {
  const cache = caches.get(backend)
  if (cache === undefined) return 0
  sweep(cache)
  return cache.entries.size
}

/** Frees every cached sub-filter on `backend` (they are made again on use). */
export function clearSubFilterCache(backend: KernelBackend): void {
  const cache = caches.get(backend)
  if (cache === undefined) return
  for (const cuts of cache.entries.values()) for (const e of cuts.values()) freeEntry(backend, e)
  cache.entries.clear()
  seen.delete(backend)
}
