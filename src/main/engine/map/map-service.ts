/**
 * The map's engine side: keeps a project's latents in step with its model
 * (re-encoding when the checkpoint or the dataset changed), computes and
 * caches projections on a worker thread, and serves points, thumbnails and
 * neighbours.
 */
import { open } from 'node:fs/promises'
import type {
  LabelColumn,
  MapPoints,
  MapStatus,
  Neighbours,
  ProjectionSpec,
  Thumbnails,
} from '@shared/contract'
import { EngineError } from '@shared/protocol'
import { mergeDatasetLabels } from '../data/labels/estimated'
import { datasetFiles, readDataset, readDatasetIndex, type DatasetIndex } from '../data/store'
import { fileStamp } from '../project/file-stamp'
import { projectLayout } from '../project/layout'
import { disposeVae, type Vae } from '../model/vae'
import { encodeDataset } from './encode'
import {
  readLatents,
  readLatentsInfo,
  writeLatents,
  type Latents,
  type LatentsInfo,
} from './latents-store'
import { exactKnn } from './neighbours'
import {
  listProjectionKeys,
  projectionKey,
  readEarlierProjection,
  readProjection,
  readProjectionInfo,
  writeProjection,
  type ProjectionInfo,
} from './projection-store'
import { keptLayout } from './incremental'
import type { LayoutFn } from './projection'
import { runProjection } from './run-projection'

/** Where the trained model comes from (the training feature's checkpoints; a test's own model). */
export interface ModelSource {
  /** The current checkpoint's hash, or null when the project has no trained model. */
  hash(projectDir: string): Promise<string | null>
  /** Loads the current model; the caller disposes it. */
  load(projectDir: string): Promise<{ vae: Vae; hash: string }>
}

/** What a map step sees of its job. */
export interface StepControl {
  progress(fraction: number | null, message?: string): void
  checkpoint(): Promise<void>
  signal?: AbortSignal
}

const quiet: StepControl = { progress: () => {}, checkpoint: async () => {} }

/** One piece of map work per project at a time, so two jobs never encode the same project at once. */
const locks = new Map<string, Promise<unknown>>()
function serialised<T>(projectDir: string, work: () => Promise<T>): Promise<T> {
  const previous = locks.get(projectDir) ?? Promise.resolve()
  const next = previous.then(work, work)
  locks.set(
    projectDir,
    next.catch(() => undefined),
  )
  return next
}

/** Why latents no longer fit the project, or null when they do. */
function staleness(
  info: LatentsInfo | null,
  modelHash: string | null,
  index: DatasetIndex | null,
): string | null {
  if (!info) return 'no latents yet'
  if (modelHash !== null && info.modelHash !== modelHash) return 'the model changed'
  if (index && info.datasetHash !== index.pixelHash) return 'the dataset changed'
  return null
}

/** Encodes the dataset unless the latents already belong to the current model and dataset. */
export function ensureLatents(
  projectDir: string,
  source: ModelSource,
  control: StepControl = quiet,
  options: { force?: boolean; batch?: number } = {},
): Promise<{ info: LatentsInfo; encoded: boolean }> {
  return serialised(projectDir, async () => {
    const [info, modelHash, index] = await Promise.all([
      readLatentsInfo(projectDir),
      source.hash(projectDir),
      readDatasetIndex(projectDir),
    ])
    if (modelHash === null) {
      throw new EngineError(
        'not_found',
        `The project ${projectDir} has no trained model yet: train one first (atelier train --project ${projectDir}).`,
      )
    }
    if (!options.force && info && staleness(info, modelHash, index) === null) {
      return { info, encoded: false }
    }
    const started = performance.now()
    control.progress(0, 'loading the model and the dataset')
    const dataset = await readDataset(projectDir)
    const { vae, hash } = await source.load(projectDir)
    try {
      const encoded = await encodeDataset(vae, dataset, {
        batch: options.batch,
        afterBatch: async (done, total) => {
          control.progress(done / total, `encoding the images: ${done}/${total}`)
          await control.checkpoint()
        },
      })
      const written = await writeLatents(projectDir, encoded, {
        count: encoded.count,
        dim: encoded.dim,
        modelHash: hash,
        datasetHash: index.pixelHash,
        seconds: (performance.now() - started) / 1000,
      })
      return { info: written, encoded: true }
    } finally {
      disposeVae(vae)
    }
  })
}

/** Projects the current latents (encoding first when stale), cached in the project. */
export async function ensureProjection(
  projectDir: string,
  spec: ProjectionSpec,
  source: ModelSource,
  control: StepControl = quiet,
  options: { force?: boolean; layout?: LayoutFn } = {},
): Promise<{ info: ProjectionInfo; computed: boolean; encoded: boolean; modelHash: string }> {
  // Each phase reports its own fraction beside its own count ("encoding 7424/7760 images", 96%):
  // a share of the whole job would disagree with the count it is shown with.
  const { info: latentsInfo, encoded } = await ensureLatents(projectDir, source, control)
  const key = projectionKey(spec)
  if (!options.force) {
    const cached = await readProjection(projectDir, key, latentsInfo.fileHash)
    if (cached)
      return { info: cached.info, computed: false, encoded, modelHash: latentsInfo.modelHash }
  }
  const latents = await cachedLatents(projectDir)
  if (spec.method === 'dims') {
    for (const d of spec.dims ?? [0, 1, 2]) {
      if (d >= latents.info.dim) {
        throw new EngineError(
          'bad_request',
          `Latent dimension ${d} does not exist: this model's latents have ${latents.info.dim} dimensions (0..${latents.info.dim - 1}).`,
        )
      }
    }
  }
  const index = await readDatasetIndex(projectDir)
  const hashes = index.images.map((image) => image.hash)
  const earlier =
    spec.method === 'umap' && !options.force
      ? await earlierLayout(projectDir, key, latents.info.modelHash, hashes)
      : null
  control.progress(
    0,
    earlier
      ? `placing ${latents.info.count - earlier.kept} new images in the map`
      : `projecting ${latents.info.count} points (${spec.method})`,
  )
  const output = await runProjection(
    {
      latents: latents.mu,
      n: latents.info.count,
      dim: latents.info.dim,
      method: spec.method,
      dims: spec.dims,
      seed: spec.seed,
      ...(earlier ? { keep: earlier.keep } : {}),
    },
    { signal: control.signal, progress: (f, m) => control.progress(f, m), layout: options.layout },
  )
  const info: ProjectionInfo = {
    key,
    spec,
    count: latents.info.count,
    latentsHash: latents.info.fileHash,
    modelHash: latents.info.modelHash,
    placed: earlier ? earlier.placed + latents.info.count - earlier.kept : 0,
    neighbourhood: output.neighbourhood,
    ...(output.explained ? { explained: output.explained } : {}),
    // Images placed in an earlier layout keep where it was made.
    ...((output.umapOnGpu ?? earlier?.umapOnGpu) ? { umapOnGpu: true } : {}),
    seconds: output.projectSeconds,
    scoreSeconds: output.scoreSeconds,
    writtenAt: new Date().toISOString(),
  }
  await writeProjection(projectDir, info, output.positions, hashes)
  return { info, computed: true, encoded, modelHash: latents.info.modelHash }
}

/**
 * An earlier layout worth keeping for the current images: same projection, same model,
 * and at least half of today's images in it (else a full projection is the better map).
 */
async function earlierLayout(
  projectDir: string,
  key: string,
  modelHash: string,
  hashes: readonly string[],
): Promise<{ keep: Float32Array; kept: number; placed: number; umapOnGpu?: boolean } | null> {
  const earlier = await readEarlierProjection(projectDir, key)
  if (!earlier || earlier.info.modelHash !== modelHash) return null
  const { keep, kept } = keptLayout(earlier.imageHashes, earlier.positions, hashes)
  if (kept === 0 || kept < hashes.length / 2) return null
  return { keep, kept, placed: earlier.info.placed ?? 0, umapOnGpu: earlier.info.umapOnGpu }
}

export async function mapStatus(projectDir: string, source: ModelSource): Promise<MapStatus> {
  const [info, modelHash] = await Promise.all([
    readLatentsInfo(projectDir),
    source.hash(projectDir),
  ])
  let index: DatasetIndex | null = null
  try {
    index = await readDatasetIndex(projectDir)
  } catch {
    index = null
  }
  const projections: MapStatus['projections'] = []
  if (info) {
    for (const key of await listProjectionKeys(projectDir)) {
      const p = await readProjectionInfo(projectDir, key)
      if (p && p.latentsHash === info.fileHash) {
        projections.push({ key, spec: p.spec, neighbourhood: p.neighbourhood })
      }
    }
  }
  return {
    modelHash,
    latents: info && {
      count: info.count,
      dim: info.dim,
      modelHash: info.modelHash,
      writtenAt: info.writtenAt,
      stale: staleness(info, modelHash, index) !== null,
    },
    projections,
  }
}

export async function mapPoints(projectDir: string, spec: ProjectionSpec): Promise<MapPoints> {
  const latents = await cachedLatents(projectDir)
  const key = projectionKey(spec)
  const projection = await readProjection(projectDir, key, latents.info.fileHash)
  if (!projection) {
    throw new EngineError(
      'not_found',
      `The ${spec.method} projection of ${projectDir} is not computed for the current latents yet: run map.project (atelier project --project ${projectDir} --method ${spec.method}).`,
    )
  }
  const index = await readDatasetIndex(projectDir)
  if (index.count !== latents.info.count) {
    throw new EngineError(
      'conflict',
      `The latents of ${projectDir} cover ${latents.info.count} images but the dataset has ${index.count}; encode again.`,
    )
  }
  return {
    key,
    spec: projection.info.spec,
    count: latents.info.count,
    dim: latents.info.dim,
    positions: projection.positions,
    neighbourhood: projection.info.neighbourhood,
    ...(projection.info.explained ? { explained: projection.info.explained } : {}),
    ...(projection.info.umapOnGpu ? { umapOnGpu: true } : {}),
    seconds: projection.info.seconds,
    files: index.images.map((image) => image.file),
    labels: labelColumns(index),
    reconError: latents.reconError.slice(),
    modelHash: latents.info.modelHash,
    imageSize: index.size,
  }
}

/** Labels as columns: numbers (1/0 binary too) as Float32Array with NaN for unknown; strings as codes. */
export function labelColumns(
  index: Pick<DatasetIndex, 'labelNames' | 'estimatedLabelNames' | 'images'>,
): LabelColumn[] {
  const merged = mergeDatasetLabels(index)
  return merged.labelNames.map((name): LabelColumn => {
    const values = merged.images.map((image) => image.labels[name] ?? null)
    if (values.every((v) => v === null || typeof v === 'number')) {
      return {
        name,
        kind: 'number',
        values: Float32Array.from(values, (v) => (v === null ? Number.NaN : (v as number))),
      }
    }
    const categories: string[] = []
    const lookup = new Map<string, number>()
    const codes = new Uint16Array(values.length)
    values.forEach((v, i) => {
      if (v === null) {
        codes[i] = 0xffff
        return
      }
      const text = String(v)
      let code = lookup.get(text)
      if (code === undefined) {
        code = Math.min(categories.length, 0xfffe)
        if (categories.length < 0xfffe) categories.push(text)
        lookup.set(text, code)
      }
      codes[i] = code
    })
    return { name, kind: 'category', categories, codes }
  })
}

/** Reads thumbnails straight from the pixels file (no need to load a whole dataset for a hover). */
export async function thumbnails(projectDir: string, indices: number[]): Promise<Thumbnails> {
  const index = await readDatasetIndex(projectDir)
  const size = index.size
  const bytes = size * size * 3
  for (const i of indices) {
    if (i >= index.count) {
      throw new EngineError(
        'bad_request',
        `Image ${i} does not exist: the dataset of ${projectDir} has ${index.count} images (0..${index.count - 1}).`,
      )
    }
  }
  const rgba = new Uint8Array(indices.length * size * size * 4)
  const rgb = new Uint8Array(bytes)
  const handle = await open(datasetFiles(projectDir).pixels, 'r')
  try {
    for (let k = 0; k < indices.length; k++) {
      await handle.read(rgb, 0, bytes, indices[k] * bytes)
      const out = k * size * size * 4
      for (let p = 0; p < size * size; p++) {
        rgba[out + p * 4] = rgb[p * 3]
        rgba[out + p * 4 + 1] = rgb[p * 3 + 1]
        rgba[out + p * 4 + 2] = rgb[p * 3 + 2]
        rgba[out + p * 4 + 3] = 255
      }
    }
  } finally {
    await handle.close()
  }
  return { size, indices, rgba }
}

/** A point's nearest neighbours in latent space (mu), exact. */
export async function neighbours(
  projectDir: string,
  index: number,
  k: number,
): Promise<Neighbours> {
  const latents = await cachedLatents(projectDir)
  const { count, dim } = latents.info
  if (index >= count) {
    throw new EngineError(
      'bad_request',
      `Point ${index} does not exist: the map of ${projectDir} has ${count} points (0..${count - 1}).`,
    )
  }
  const found = exactKnn(latents.mu, count, dim, [index], Math.min(k, Math.max(1, count - 1)))
  const indices = found.filter((i) => i >= 0)
  const distances = new Float32Array(indices.length)
  indices.forEach((j, r) => {
    let s = 0
    for (let d = 0; d < dim; d++) s += (latents.mu[j * dim + d] - latents.mu[index * dim + d]) ** 2
    distances[r] = Math.sqrt(s)
  })
  return { index, indices, distances }
}

/** The last latents read, kept while latents.json is unchanged (hover and neighbour requests are frequent). */
let latentsCache: { dir: string; stamp: string; latents: Latents } | null = null

async function cachedLatents(projectDir: string): Promise<Latents> {
  const stamp = fileStamp(projectLayout(projectDir).latentsShape)
  if (stamp !== null && latentsCache?.dir === projectDir && latentsCache.stamp === stamp) {
    return latentsCache.latents
  }
  // No latents: readLatents says so in words.
  const latents = await readLatents(projectDir)
  if (stamp !== null) latentsCache = { dir: projectDir, stamp, latents }
  return latents
}
