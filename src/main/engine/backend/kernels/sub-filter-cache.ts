import type { DataId, KernelBackend, TensorInfo } from '@tensorflow/tfjs-core'
import { FilterCache } from '../filter-cache'
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

interface BackendCache {
  inspect: InspectableBackend
  /** Sub-filters kept per filter: the backend's data, owned by the cache (null: a phase no tap reaches). */
  filters: FilterCache<Array<TensorInfo | null>>
}

const caches = new WeakMap<KernelBackend, BackendCache>()

function cacheFor(backend: KernelBackend, inspect: InspectableBackend): BackendCache {
  let cache = caches.get(backend)
  if (cache === undefined) {
    const release = (filters: Array<TensorInfo | null>): void => {
      for (const f of filters) if (f !== null) backend.disposeData(f.dataId)
    }
    cache = {
      inspect,
      filters: new FilterCache((dataId) => inspect.dataIdMap.has(dataId), release),
    }
    caches.set(backend, cache)
    freeWithSource(backend, cache.filters)
  }
  return cache
}

/**
 * Frees a filter's sub-filters in the same call that frees the filter's data (a model disposed
 * gives its memory back at once, not on the next transposed convolution): wraps this backend
 * object's `disposeData`, once.
 */
function freeWithSource(
  backend: KernelBackend,
  filters: FilterCache<Array<TensorInfo | null>>,
): void {
  const disposeData = backend.disposeData.bind(backend)
  backend.disposeData = (dataId: DataId, force?: boolean): boolean => {
    const released = disposeData(dataId, force)
    filters.forget(dataId)
    return released
  }
}

/**
 * Sub-filters of `filter` made by `cut` from its values, as backend tensors ready for the
 * backend's `Conv2D`. From the second cut of the same filter data on they are kept (see
 * ../filter-cache.ts; `key` must name everything `cut` depends on besides the values), so the
 * backend sees the same filter data again and keeps its packed weights (XNNPACK prepares a
 * filter once per dataId): decoding one image is mostly that preparation otherwise. Entries are
 * freed with their filter's data (the backend's `disposeData` is wrapped for that; every call
 * also sweeps), or by `clearSubFilterCache()`.
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
  const { filters } = cacheFor(backend, inspect)
  const source = { dataId: filter.dataId, values: inspect.typedArrayFromHeap(filter) }
  return filters.get(source, key, (keep) => {
    if (!keep) return uncached(runner, filter, cut)
    const values = backend.readSync(filter.dataId) as Float32Array
    return cut(values).map((sub): TensorInfo | null =>
      sub === null
        ? null
        : {
            dataId: backend.write(sub.values, sub.shape, 'float32'),
            shape: sub.shape,
            dtype: 'float32',
          },
    )
  })
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
  return caches.get(backend)?.filters.size ?? 0
}

/** Frees every cached sub-filter on `backend` (they are made again on use). */
export function clearSubFilterCache(backend: KernelBackend): void {
  caches.get(backend)?.filters.clear()
}
