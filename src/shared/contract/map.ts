import { z } from 'zod'
import { event, job, request } from './define'
import { projectDir } from './params'

/**
 * The 3D map: every image's latent code (encode), its place in 3D
 * (project), and what the map needs to draw and explore it.
 */

export const PROJECTION_METHODS = ['pca', 'umap', 'dims'] as const
export type ProjectionMethod = (typeof PROJECTION_METHODS)[number]

const latentDim = z.number().int().min(0).max(1023)

/** Which projection: PCA, UMAP (seeded), or three chosen latent dimensions as x, y, z. */
export const projectionSpec = z
  .object({
    method: z.enum(PROJECTION_METHODS),
    /** 'dims' only: the latent dimensions shown as x, y, z (default 0, 1, 2). */
    dims: z.tuple([latentDim, latentDim, latentDim]).optional(),
    /** 'umap' only: same seed, same map (default 1). */
    seed: z.number().int().min(0).max(0xffffffff).optional(),
  })
  .strict()
export type ProjectionSpec = z.infer<typeof projectionSpec>

/** How well a projection keeps neighbourhoods (computed by the engine). */
export interface NeighbourhoodScore {
  /** Mean fraction of each point's k nearest neighbours in latent space that stay among its k nearest in 3D. */
  score: number
  k: number
  /** Points scored: all of them up to 10,000, else a seeded sample of 1,000 (each against all points). */
  queries: number
  sampled: boolean
}

/** A label as a column over all points, compact for 200,000 of them. */
export type LabelColumn =
  | { name: string; kind: 'number'; values: Float32Array }
  | { name: string; kind: 'category'; categories: string[]; codes: Uint16Array }

export interface LatentsStatus {
  count: number
  dim: number
  modelHash: string
  writtenAt: string
  /** True when the model or the dataset changed since these latents were made. */
  stale: boolean
}

export interface MapStatus {
  /** The current model checkpoint's hash, or null while the project has no trained model. */
  modelHash: string | null
  latents: LatentsStatus | null
  /** The projections computed from the current latents. */
  projections: { key: string; spec: ProjectionSpec; neighbourhood: NeighbourhoodScore | null }[]
}

/** Everything the map draws: positions and what each point is. */
/** What a `map.encode` job ends with. */
export interface EncodeSummary {
  /** False when the latents already belonged to the model and dataset: nothing was done. */
  encoded: boolean
  count: number
  dim: number
  modelHash: string
  seconds: number
}

/** What a `map.project` job ends with. */
export interface ProjectSummary {
  /** The projection's cache key (see `MapPoints.key`). */
  key: string
  /** False when it was answered from the project's cache. */
  computed: boolean
  /** True when the latents were re-encoded first. */
  encoded: boolean
  count: number
  seconds: number
  neighbourhood: NeighbourhoodScore | null
  /** Images placed by their latent neighbours since the last full projection. */
  placed: number
  /** UMAP made the layout on the GPU: "Project again" with the same seed gives another one. */
  umapOnGpu?: boolean
}

export interface MapPoints {
  key: string
  spec: ProjectionSpec
  count: number
  /** The latent size L. */
  dim: number
  /** count x 3, about [-1, 1]. */
  positions: Float32Array
  neighbourhood: NeighbourhoodScore | null
  /** PCA: share of the latent variance on each axis. */
  explained?: [number, number, number]
  /** As `ProjectSummary.umapOnGpu`. */
  umapOnGpu?: boolean
  /** Seconds the projection took (on the worker). */
  seconds: number
  /** Per point: file name relative to the source folder. */
  files: string[]
  labels: LabelColumn[]
  /** Per point: mean squared error per pixel channel of its reconstruction. */
  reconError: Float32Array
  modelHash: string
  /** The images' side in pixels (thumbnails are this size). */
  imageSize: number
}

export interface Thumbnails {
  size: number
  /** The requested indices, in order. */
  indices: number[]
  /** indices.length x size x size x 4 bytes, RGBA. */
  rgba: Uint8Array
}

export interface Neighbours {
  index: number
  /** Nearest first, in latent space (mu, Euclidean), without the point itself. */
  indices: Int32Array
  distances: Float32Array
}

export const mapRequests = {
  /** What the project has: latents (stale or not) and cached projections. */
  'map.status': request<MapStatus>()(z.object({ project: projectDir }).strict()),
  /**
   * Encodes every image (mu, logVar, reconstruction error) into latents.f32.
   * Does nothing when the latents already belong to the current model and
   * dataset, unless `force`.
   */
  'map.encode': job<EncodeSummary>()(
    z
      .object({
        project: projectDir,
        force: z.boolean().optional(),
        batch: z.number().int().min(1).max(1024).optional(),
      })
      .strict(),
  ),
  /**
   * Projects the latents to 3D on a worker thread, re-encoding first when the
   * model changed; the result is cached in the project (map/), and
   * `map.updated` announces it.
   */
  'map.project': job<ProjectSummary>()(
    z.object({ project: projectDir, spec: projectionSpec, force: z.boolean().optional() }).strict(),
  ),
  /** The points of a computed projection (not_found until `map.project` made it). */
  'map.points': request<MapPoints>()(
    z.object({ project: projectDir, spec: projectionSpec }).strict(),
  ),
  /** Thumbnails of some images, RGBA, for hover cards and the sprite atlas. */
  'map.thumbnails': request<Thumbnails>()(
    z
      .object({
        project: projectDir,
        indices: z.array(z.number().int().min(0).max(100_000_000)).min(1).max(4096),
      })
      .strict(),
  ),
  /** A point's nearest neighbours in latent space. */
  'map.neighbours': request<Neighbours>()(
    z
      .object({
        project: projectDir,
        index: z.number().int().min(0).max(100_000_000),
        k: z.number().int().min(1).max(1000).optional(),
      })
      .strict(),
  ),
}

export const mapEvents = {
  /** A projection of a project was (re)computed: maps showing it should fetch `map.points`. */
  'map.updated': event<{ project: string; key: string; spec: ProjectionSpec; modelHash: string }>(),
  /** UMAP's layout so far while `map.project` runs (about once a second): count x 3, about [-1, 1]. */
  'map.layout': event<MapLayout>(),
}

/** An intermediate layout of a projection under way. */
export interface MapLayout {
  project: string
  key: string
  spec: ProjectionSpec
  count: number
  positions: Float32Array
  epoch: number
  epochs: number
}
