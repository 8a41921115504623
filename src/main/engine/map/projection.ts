/**
 * The projections of the latents to 3D, as one pure function that the
 * projection worker runs (and tests run in-process): PCA, UMAP, or three
 * chosen latent dimensions, each scored for how well it keeps neighbourhoods.
 */
import type { GpuRoute } from '../backend/webgpu/dawn'
import { placeByNeighbours } from './incremental'
import { neighbourhoodPreservation, type NeighbourhoodScore } from './neighbours'
import { pca } from './pca'
import { umap3d, UMAP_NEIGHBOURS, type UmapLayout } from './umap'

export type ProjectionMethod = 'pca' | 'umap' | 'dims'

/** What to project: the latents (n x dim, row-major) and how. */
export interface ProjectionInput {
  latents: Float32Array
  n: number
  dim: number
  method: ProjectionMethod
  /** For 'dims': the three latent dimensions shown as x, y, z. */
  dims?: [number, number, number]
  /** For 'umap': the seed of its random choices (same seed, same map). */
  seed?: number
  /** For 'umap': neighbours of its graph (default 15). */
  umapNeighbours?: number
  /**
   * For 'umap': an earlier layout of the same images to keep (n x 3, already normalised),
   * NaN rows for images added since; those are placed by their latent neighbours and no
   * new UMAP runs (the incremental map).
   */
  keep?: Float32Array
  /** Skips the neighbourhood score (for timing the projection alone). */
  skipScore?: boolean
  /** For 'umap' on a worker thread: the engine's GPU, where UMAP then computes. */
  gpu?: GpuRoute | null
}

export interface ProjectionOutput {
  /** n x 3, centred and scaled so the cloud fits about [-1, 1]. */
  positions: Float32Array
  method: ProjectionMethod
  /** Seconds spent projecting, and scoring. */
  projectSeconds: number
  scoreSeconds: number
  neighbourhood: NeighbourhoodScore | null
  /** PCA only: share of the latent variance each of the three axes explains. */
  explained?: [number, number, number]
  /** UMAP only: whether it ran on the GPU (WebGPU) rather than on the CPU's threads. */
  umapOnGpu?: boolean
}

export type ProgressFn = (fraction: number, message: string) => void

/** The layout so far while UMAP works: n x 3, normalised like the final positions. */
export type LayoutFn = (positions: Float32Array, epoch: number, epochs: number) => void

/**
 * Runs one projection; `progress` hears about long steps (UMAP epochs, scoring),
 * `layout` sees UMAP's layout as it forms, and `signal` cancels between epochs.
 */
export async function computeProjection(
  input: ProjectionInput,
  progress: ProgressFn = () => {},
  hooks: { layout?: LayoutFn; signal?: AbortSignal } = {},
): Promise<ProjectionOutput> {
  const { latents, n, dim, method } = input
  if (latents.length !== n * dim) {
    throw new RangeError(`${n} x ${dim} latents need ${n * dim} values, got ${latents.length}`)
  }
  const started = performance.now()
  let raw: Float32Array
  let explained: [number, number, number] | undefined
  let umapOnGpu: boolean | undefined
  if (method === 'pca') {
    progress(0, 'principal components')
    const result = pca(latents, n, dim)
    raw = result.positions
    const total = result.totalVariance || 1
    explained = result.variances.map((v) => v / total) as [number, number, number]
  } else if (method === 'dims') {
    raw = chosenDimensions(latents, n, dim, input.dims ?? [0, 1, 2])
  } else if (input.keep) {
    if (input.keep.length !== n * 3) {
      throw new RangeError(`${n} points need ${n * 3} kept coordinates, got ${input.keep.length}`)
    }
    progress(0, 'placing the new images by their latent neighbours')
    raw = placeByNeighbours(latents, n, dim, input.keep)
  } else if (n < 4) {
    raw = chosenDimensions(latents, n, dim, [0, Math.min(1, dim - 1), Math.min(2, dim - 1)])
  } else {
    const layout = await umap(input, progress, hooks)
    raw = layout.positions
    umapOnGpu = layout.onGpu
  }
  // A kept layout stays where it was: normalising again would move every point.
  const positions = input.keep ? raw : normalise(raw, n)
  const projectSeconds = (performance.now() - started) / 1000

  const scoring = performance.now()
  let neighbourhood: NeighbourhoodScore | null = null
  if (!input.skipScore) {
    progress(0.95, 'scoring neighbourhoods')
    neighbourhood = neighbourhoodPreservation(latents, dim, positions, n)
  }
  const scoreSeconds = (performance.now() - scoring) / 1000
  return {
    positions,
    method,
    projectSeconds,
    scoreSeconds,
    neighbourhood,
    ...(explained ? { explained } : {}),
    ...(umapOnGpu !== undefined ? { umapOnGpu } : {}),
  }
}

/** Three latent dimensions as x, y, z, unchanged (then normalised like the others). */
export function chosenDimensions(
  latents: Float32Array,
  n: number,
  dim: number,
  dims: [number, number, number],
): Float32Array {
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0 || d >= dim) {
      throw new RangeError(
        `Latent dimension ${d} does not exist: the latents have ${dim} (0..${dim - 1}).`,
      )
    }
  }
  const out = new Float32Array(n * 3)
  for (let i = 0; i < n; i++) {
    out[i * 3] = latents[i * dim + dims[0]]
    out[i * 3 + 1] = latents[i * dim + dims[1]]
    out[i * 3 + 2] = latents[i * dim + dims[2]]
  }
  return out
}

/**
 * Centres the cloud and scales it uniformly (one factor for all axes, so
 * shapes and neighbourhoods are kept) to put 3 standard deviations at 1.
 */
export function normalise(points: Float32Array, n: number): Float32Array {
  const mean = [0, 0, 0]
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) mean[c] += points[i * 3 + c]
  for (let c = 0; c < 3; c++) mean[c] /= Math.max(1, n)
  let sq = 0
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) sq += (points[i * 3 + c] - mean[c]) ** 2
  }
  const std = Math.sqrt(sq / Math.max(1, 3 * n))
  const scale = std > 0 ? 1 / (3 * std) : 1
  const out = new Float32Array(n * 3)
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) out[i * 3 + c] = (points[i * 3 + c] - mean[c]) * scale
  }
  return out
}

function umap(
  input: ProjectionInput,
  progress: ProgressFn,
  hooks: { layout?: LayoutFn; signal?: AbortSignal },
): Promise<UmapLayout> {
  const { latents, n, dim } = input
  const layout = hooks.layout
  return umap3d(latents, n, dim, {
    seed: input.seed ?? 1,
    neighbours: input.umapNeighbours ?? UMAP_NEIGHBOURS,
    progress,
    signal: hooks.signal,
    gpu: input.gpu,
    ...(layout ? { layout: (raw, epoch, epochs) => layout(normalise(raw, n), epoch, epochs) } : {}),
  })
}
