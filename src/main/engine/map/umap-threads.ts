/**
 * UMAP's layout SGD on two threads: the calling thread and a helper (a projection worker)
 * each own half of the graph's edges by head, run the same epochs, and meet at a barrier
 * after each one (Atomics over SharedArrayBuffers). With no built worker it runs on the
 * calling thread alone; the layout then differs from the two-thread one, though each is the
 * same on every run with the same seed.
 */
import { Worker } from 'node:worker_threads'
import { builtWorkerFile } from '../files/built-worker'
import { mulberry32 } from '../random'
import type { FuzzyGraph } from './umap-graph'
import { layoutEpoch, startSchedule, type LayoutState } from './umap-sgd'

/** Threads of the layout when a worker is built: fixed, so a seed gives one layout everywhere. */
export const LAYOUT_THREADS = 2

// Int32 slots of the control block.
const GENERATION = 0 // bumped for each run of epochs; the helper waits on it
const FROM = 1 // the run's first epoch, or -1: exit
const COUNT = 2 // the run's epochs
const ARRIVED = 3 // arrivals at the barriers so far (threads per epoch)
const FAILED = 4 // set by a helper whose epoch threw
const SLOTS = 5

/** The shared buffers of a layout and what each thread needs to know of it. */
export interface SharedLayout {
  n: number
  epochs: number
  seed: number
  threads: number
  /** Where each thread's points start: thread t owns bounds[t] .. bounds[t + 1]. */
  bounds: number[]
  control: SharedArrayBuffer
  heads: SharedArrayBuffer
  tails: SharedArrayBuffer
  epochsPerSample: SharedArrayBuffer
  nextSample: SharedArrayBuffer
  nextNegative: SharedArrayBuffer
  positions: SharedArrayBuffer
  snapshots: [SharedArrayBuffer, SharedArrayBuffer]
}

/** The message that starts a helper on its share (thread 1). */
export interface LayoutShareMessage {
  kind: 'layout-share'
  layout: SharedLayout
}

/** A layout being annealed: run epochs, read the positions, dispose. */
export class ThreadedLayout {
  private readonly layout: SharedLayout
  private readonly state: LayoutState
  private readonly control: Int32Array
  private readonly helper: Worker | null
  private readonly random: () => number
  private helperError: string | null = null

  /**
   * Starts the layout of `graph` from `initial` (n x 3), sampled by `periods` over `epochs`;
   * on a helper thread too where the projection worker is built.
   */
  constructor(
    graph: FuzzyGraph,
    periods: Float32Array,
    initial: Float32Array,
    readonly epochs: number,
    seed: number,
  ) {
    const file = builtWorkerFile('projection-worker')
    const threads = file ? LAYOUT_THREADS : 1
    const layout = shareLayout(graph, periods, initial, epochs, seed, threads)
    this.layout = layout
    this.state = layoutState(layout)
    this.control = new Int32Array(layout.control)
    this.random = threadRandom(seed, 0)
    this.helper = file ? new Worker(file) : null
    if (this.helper) {
      this.helper.unref()
      this.helper.on('error', (error: Error) => (this.helperError = error.message))
      const message: LayoutShareMessage = { kind: 'layout-share', layout }
      this.helper.postMessage(message)
    }
  }

  get threads(): number {
    return this.layout.threads
  }

  /** The layout now (n x 3, live: copy it to keep it). */
  get positions(): Float32Array {
    return this.state.positions
  }

  /** Runs epochs `from` .. `from + count` on every thread; returns when all are done. */
  run(from: number, count: number): void {
    const c = this.control
    c[FROM] = from
    c[COUNT] = count
    Atomics.add(c, GENERATION, 1)
    Atomics.notify(c, GENERATION)
    const share = { first: this.layout.bounds[0], last: this.layout.bounds[1], random: this.random }
    for (let epoch = from; epoch < from + count; epoch++) {
      layoutEpoch(this.state, share, epoch, 1 - epoch / this.epochs)
      meet(c, this.layout.threads, epoch, () => {
        if (Atomics.load(c, FAILED) !== 0 || this.helperError !== null) {
          throw new Error(`UMAP's layout thread failed: ${this.helperError ?? 'see its error'}`)
        }
      })
    }
  }

  /** Stops the helper thread. */
  dispose(): void {
    if (!this.helper) return
    this.control[FROM] = -1
    Atomics.add(this.control, GENERATION, 1)
    Atomics.notify(this.control, GENERATION)
    void this.helper.terminate()
  }
}

/**
 * The helper's side (on a projection worker): runs thread `threads - 1`'s share of each run
 * of epochs, until told to exit.
 */
export function serveLayoutShare(layout: SharedLayout): void {
  const state = layoutState(layout)
  const c = new Int32Array(layout.control)
  const thread = layout.threads - 1
  const share = {
    first: layout.bounds[thread],
    last: layout.bounds[thread + 1],
    random: threadRandom(layout.seed, thread),
  }
  for (let seen = 0; ;) {
    Atomics.wait(c, GENERATION, seen)
    seen = Atomics.load(c, GENERATION)
    const [from, count] = [c[FROM], c[COUNT]]
    if (from < 0) return
    try {
      for (let epoch = from; epoch < from + count; epoch++) {
        layoutEpoch(state, share, epoch, 1 - epoch / layout.epochs)
        meet(c, layout.threads, epoch, () => {})
      }
    } catch (error) {
      Atomics.store(c, FAILED, 1)
      Atomics.notify(c, ARRIVED)
      throw error
    }
  }
}

/**
 * The barrier after `epoch`: arrives, then waits until every thread has (epochs run from 0,
 * one barrier each), calling `check` about once a second meanwhile.
 */
function meet(c: Int32Array, threads: number, epoch: number, check: () => void): void {
  const goal = threads * (epoch + 1)
  Atomics.add(c, ARRIVED, 1)
  Atomics.notify(c, ARRIVED)
  for (let seen = Atomics.load(c, ARRIVED); seen < goal; seen = Atomics.load(c, ARRIVED)) {
    check()
    Atomics.wait(c, ARRIVED, seen, 1000)
  }
}

function shareLayout(
  graph: FuzzyGraph,
  periods: Float32Array,
  initial: Float32Array,
  epochs: number,
  seed: number,
  threads: number,
): SharedLayout {
  const shared = (from: Int32Array | Float32Array): SharedArrayBuffer => {
    const buffer = new SharedArrayBuffer(from.byteLength)
    new Uint8Array(buffer).set(new Uint8Array(from.buffer, from.byteOffset, from.byteLength))
    return buffer
  }
  const { nextSample, nextNegative } = startSchedule(periods)
  return {
    n: graph.n,
    epochs,
    seed,
    threads,
    bounds: edgeBalancedBounds(graph.heads, threads),
    control: new SharedArrayBuffer(SLOTS * 4),
    heads: shared(graph.heads),
    tails: shared(graph.tails),
    epochsPerSample: shared(periods),
    nextSample: shared(nextSample),
    nextNegative: shared(nextNegative),
    positions: shared(initial),
    snapshots: [shared(initial), shared(initial)],
  }
}

function layoutState(layout: SharedLayout): LayoutState {
  return {
    n: layout.n,
    heads: new Int32Array(layout.heads),
    tails: new Int32Array(layout.tails),
    epochsPerSample: new Float32Array(layout.epochsPerSample),
    nextSample: new Float32Array(layout.nextSample),
    nextNegative: new Float32Array(layout.nextNegative),
    positions: new Float32Array(layout.positions),
    snapshots: [new Float32Array(layout.snapshots[0]), new Float32Array(layout.snapshots[1])],
  }
}

/** Splits the points into `threads` runs with about as many edges each. */
export function edgeBalancedBounds(heads: Int32Array, threads: number): number[] {
  const n = heads.length - 1
  const bounds = [0]
  let i = 0
  for (let t = 1; t < threads; t++) {
    const goal = (heads[n] * t) / threads
    while (i < n && heads[i] < goal) i++
    bounds.push(i)
  }
  bounds.push(n)
  return bounds
}

function threadRandom(seed: number, thread: number): () => number {
  return mulberry32((seed * 0x9e3779b1 + thread * 0x85ebca6b) >>> 0)
}
