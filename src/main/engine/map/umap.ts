/**
 * UMAP to 3D. embedding-atlas's WebAssembly UMAP (vendored: vendor/embedding-atlas) finds the
 * kNN graph (NN-descent) and the spectral start; the layout's SGD then runs on two threads
 * here (./umap-threads.ts). Where the engine computes on a GPU (its webgpu backend), the
 * projection worker runs embedding-atlas's WebGPU UMAP on that GPU instead, and falls back to
 * the threads if the GPU fails. Either is annealed in short runs of epochs, so that between
 * runs a caller sees the layout so far, hears progress and can cancel.
 *
 * The same seed gives the same layout on the CPU. On the GPU it gives a layout as good but not
 * the same one: the GPU's SGD moves points in parallel, in an order the GPU decides. The map
 * service keeps each layout it makes, so a map looks the same each time it is opened.
 */
import { errorLine } from '@shared/error-text'
import { Throttle } from '@shared/pace'
import type { GpuRoute } from '../backend/webgpu/dawn'
import { exposeEngineGpu } from '../backend/webgpu/worker-gpu'
import type { ProgressFn } from './projection'
import { epochsPerSample, fuzzyGraph } from './umap-graph'
import { alongWidestAxis, inOrder, inPointOrder, knnInOrder } from './umap-order'
import { spreadStart } from './umap-sgd'
import { ThreadedLayout } from './umap-threads'

/** Neighbours in UMAP's graph (umap-learn's and umap-js's default). */
export const UMAP_NEIGHBOURS = 15
/** Epochs per run between two looks at the layout. */
const EPOCHS_PER_RUN = 5
/** UMAP's initial learning rate, decayed linearly to 0 over the epochs. */
const LEARNING_RATE = 1

export interface UmapOptions {
  seed: number
  neighbours?: number
  progress?: ProgressFn
  /** The layout so far (n x 3, raw UMAP coordinates: the caller owns the copy), about once a second. */
  layout?: (positions: Float32Array, epoch: number, epochs: number) => void
  /** Milliseconds between two layouts (1000). */
  layoutEveryMs?: number
  signal?: AbortSignal
  /** The engine's GPU (its webgpu backend's route): on a worker thread, UMAP computes there. */
  gpu?: GpuRoute | null
}

/** A finished UMAP: n x 3 raw coordinates, and whether the GPU computed them. */
export interface UmapLayout {
  positions: Float32Array
  onGpu: boolean
}

/** umap-learn's rule for the number of epochs: more for small data sets. */
export function umapEpochs(n: number): number {
  return n <= 10_000 ? 500 : 200
}

/** A layout being annealed, a run of epochs at a time. */
interface Annealer {
  run(from: number, count: number): Promise<void> | void
  /** The layout now (n x 3; copy it to keep it). */
  positions(): Float32Array
  dispose(): void
}

type AtlasUmap = Awaited<
  ReturnType<(typeof import('../../../../vendor/embedding-atlas/umap.js'))['createUMAP']>
>

/** Projects `n` latents of `dim` dimensions to 3D; seeded (same seed, same layout). */
export async function umap3d(
  latents: Float32Array,
  n: number,
  dim: number,
  options: UmapOptions,
): Promise<UmapLayout> {
  const onGpu = options.gpu ? await gpuReached(options.gpu, options.progress) : false
  if (!onGpu) return { positions: await anneal(latents, n, dim, options, false), onGpu }
  try {
    return { positions: await anneal(latents, n, dim, options, true), onGpu }
  } catch (error) {
    if (options.signal?.aborted) throw error
    options.progress?.(0, `UMAP: the GPU failed (${errorLine(error)}); starting again on the CPU`)
    return { positions: await anneal(latents, n, dim, options, false), onGpu: false }
  }
}

async function gpuReached(route: GpuRoute, progress?: ProgressFn): Promise<boolean> {
  try {
    if (await exposeEngineGpu(route)) return true
    progress?.(0, `UMAP: no GPU adapter answered on this thread (${route.via}); on the CPU`)
  } catch (error) {
    progress?.(0, `UMAP: the GPU could not be reached (${errorLine(error)}); on the CPU`)
  }
  return false
}

/** One whole UMAP, on embedding-atlas's WebGPU (`gpu`) or on two CPU threads. */
async function anneal(
  latents: Float32Array,
  n: number,
  dim: number,
  options: UmapOptions,
  gpu: boolean,
): Promise<Float32Array> {
  const { createUMAP } = await import('../../../../vendor/embedding-atlas/umap.js')
  const progress = options.progress ?? (() => {})
  const where = gpu ? 'UMAP on the GPU' : 'UMAP'
  const umap = await createUMAP(n, dim, 3, latents, {
    nNeighbors: Math.min(options.neighbours ?? UMAP_NEIGHBOURS, n - 1),
    seed: options.seed,
    learningRate: LEARNING_RATE,
    gpu,
    // Its graph and initialisation report up to about 0.45 of its whole run: the first 30% here.
    progress: (fraction, stage) =>
      progress(0.3 * Math.min(1, fraction / 0.45), `${where}: ${stage.toLowerCase()}`),
  })
  const epochs = umapEpochs(n)
  const annealer = gpu ? atlasAnnealer(umap, epochs) : threadedAnnealer(umap, n, epochs, options)
  try {
    const clock = () => performance.now()
    const layouts = new Throttle(options.layoutEveryMs ?? 1000, clock, clock())
    for (let epoch = 0; epoch < epochs; epoch += EPOCHS_PER_RUN) {
      if (options.signal?.aborted) throw new Error('cancelled')
      const run = Math.min(EPOCHS_PER_RUN, epochs - epoch)
      await annealer.run(epoch, run)
      progress(0.3 + (0.6 * (epoch + run)) / epochs, `${where}: epoch ${epoch + run}/${epochs}`)
      if (options.layout && epoch + run < epochs && layouts.pass()) {
        options.layout(new Float32Array(annealer.positions()), epoch + run, epochs)
      }
      // Lets an in-process run answer requests and see a cancel between runs.
      await new Promise((resolve) => setImmediate(resolve))
    }
    return new Float32Array(annealer.positions())
  } finally {
    annealer.dispose()
  }
}

/** embedding-atlas's own SGD, on WebGPU, its learning rate decayed per run. */
function atlasAnnealer(umap: AtlasUmap, epochs: number): Annealer {
  return {
    run: async (from, count) => {
      // The linear decay of umap-learn, held at its value in the middle of each short run.
      umap.setParameters({ learningRate: LEARNING_RATE * (1 - (from + count / 2) / epochs) })
      await umap.step(count)
    },
    positions: () => umap.embedding,
    dispose: () => umap.destroy(),
  }
}

/**
 * The SGD on this thread and a helper, from embedding-atlas's kNN graph and spectral start,
 * with the points in the threads' order (./umap-order.ts).
 */
function threadedAnnealer(
  umap: AtlasUmap,
  n: number,
  epochs: number,
  options: UmapOptions,
): Annealer {
  const k = umap.knnIndices.length / n
  const points = alongWidestAxis(umap.embedding, n)
  const start = spreadStart(inOrder(umap.embedding, 3, points), n)
  const indices = knnInOrder(umap.knnIndices, k, points)
  const distances = inOrder(umap.knnDistances, k, points)
  umap.destroy()
  options.progress?.(0.3, 'UMAP: fuzzy graph')
  const graph = fuzzyGraph(indices, distances, n, k)
  const layout = new ThreadedLayout(
    graph,
    epochsPerSample(graph.weights, epochs),
    start,
    epochs,
    options.seed,
  )
  return {
    run: (from, count) => layout.run(from, count),
    positions: () => inPointOrder(layout.positions, 3, points),
    dispose: () => layout.dispose(),
  }
}
