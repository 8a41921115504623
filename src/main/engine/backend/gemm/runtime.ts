import { createRequire } from 'node:module'
import { BINARY_LAYOUTS, BINARY_OPS, gemmModuleText, type BinaryKernel } from './wat'

const nodeRequire = createRequire(import.meta.url)

/** The memory and allocator of tfjs's wasm module (Emscripten's), as far as the kernels need it. */
export interface WasmHeap {
  memory: WebAssembly.Memory
  malloc(bytes: number): number
  free(pointer: number): void
}

/** The exports of ./wat.ts that split into units of work (their first two arguments). */
const NAMED_KERNELS = [
  'igemm',
  'fgemm',
  'packRows',
  'packTransposed',
  'resolveTable',
  'relu',
  'leakyRelu',
  'leakyReluGrad',
  'adam',
  'batchNorm',
  'columnSum',
  'columnDot',
] as const
export type Kernel = (typeof NAMED_KERNELS)[number] | BinaryKernel
const KERNELS: Kernel[] = [
  ...NAMED_KERNELS,
  ...BINARY_OPS.flatMap((op) => BINARY_LAYOUTS.map((layout): BinaryKernel => `${op}${layout}`)),
]

// The control block shared with the workers (Int32 slots).
const GENERATION = 0 // bumped once per dispatch; workers wait on it
const KERNEL = 1 // index into KERNELS, or -1: exit
const TOTAL = 2 // units of work (row blocks or tiles)
const CHUNK = 3 // units taken at a time
const NEXT = 4 // the next unit nobody has taken
const JOINED = 5 // OPEN while workers may join this dispatch, plus how many have
const LEFT = 6 // workers that joined and are done with it
const FAILED = 7 // set by a worker whose kernel threw (its message comes on its errors port)
const ARGS = 8 // the kernel's arguments after its (first, last) unit
const SLOTS = ARGS + 13
const OPEN = 1 << 16

/**
 * Below this much work a call runs on the calling thread alone: multiply-adds for a GEMM, floats
 * moved for the rest. One 64x64 decode's transposed convs (1.6-8.4 M multiply-adds each) took
 * 1.66 ms p50 and 2.05 ms CPU on the calling thread alone, against 1.76 ms and 2.47 ms split in two.
 */
const MIN_PARALLEL_WORK = { multiplyAdds: 1 << 24, floats: 1 << 20 }

/** How much work a call does, in the unit its threshold is in. */
export type Work = { multiplyAdds: number } | { floats: number }

/**
 * Runs in each worker thread: instantiates the kernels over the same memory and takes units of
 * work from the shared counter until none are left, then reports and waits for the next dispatch.
 * Plain JS, run with `eval`, so it needs no bundled file of its own.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads')
const { module, memory, control, errors } = workerData
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports
const kernels = ${JSON.stringify(KERNELS)}.map((name) => exports[name])
const c = new Int32Array(control)
let seen = 0
for (;;) {
  Atomics.wait(c, ${GENERATION}, seen)
  seen = Atomics.load(c, ${GENERATION})
  if (Atomics.load(c, ${KERNEL}) < 0) break
  // Join the dispatch unless the caller has closed it (it did all the work while this slept).
  let joined = Atomics.load(c, ${JOINED})
  while (joined & ${OPEN}) {
    const was = Atomics.compareExchange(c, ${JOINED}, joined, joined + 1)
    if (was === joined) break
    joined = was
  }
  if (!(joined & ${OPEN})) continue
  // Joined: the caller waits for this worker before it writes the next dispatch.
  seen = Atomics.load(c, ${GENERATION})
  const kernel = c[${KERNEL}], total = c[${TOTAL}], chunk = c[${CHUNK}]
  const args = Array.from(c.subarray(${ARGS}, ${SLOTS}))
  try {
    for (;;) {
      const first = Atomics.add(c, ${NEXT}, chunk)
      if (first >= total) break
      kernels[kernel](first, Math.min(total, first + chunk), ...args)
    }
  } catch (error) {
    Atomics.store(c, ${NEXT}, total) // nobody takes more units of a failed call
    Atomics.store(c, ${FAILED}, 1)
    errors.postMessage(String(error))
  }
  Atomics.add(c, ${LEFT}, 1)
  Atomics.notify(c, ${LEFT})
}
`

type KernelFn = (first: number, last: number, ...args: number[]) => void

/**
 * The matrix kernels of ./wat.ts, instantiated over tfjs's wasm memory, and a pool of worker
 * threads (sharing that memory when it is shared) that split each call between them and the
 * calling thread. Calls are synchronous, like tfjs's kernels.
 */
export class GemmRuntime {
  private readonly kernels: Record<Kernel, KernelFn>
  /** memmove of `bytes` bytes within the memory (this thread). */
  readonly copy: (dst: number, src: number, bytes: number) => void
  /** Zeroes `bytes` bytes (this thread). */
  readonly fill: (dst: number, bytes: number) => void
  private readonly control: Int32Array
  private readonly workers: import('node:worker_threads').Worker[] = []
  private readonly errorPorts: import('node:worker_threads').MessagePort[] = []

  private constructor(
    readonly heap: WasmHeap,
    module: WebAssembly.Module,
    threads: number,
  ) {
    const exports = new WebAssembly.Instance(module, { env: { memory: heap.memory } }).exports
    this.kernels = Object.fromEntries(
      KERNELS.map((name) => [name, exports[name] as KernelFn]),
    ) as Record<Kernel, KernelFn>
    this.copy = exports['copy'] as (dst: number, src: number, bytes: number) => void
    this.fill = exports['fill'] as (dst: number, bytes: number) => void
    this.control = new Int32Array(new SharedArrayBuffer(SLOTS * 4))
    const helpers = isShared(heap.memory) ? threads - 1 : 0
    if (helpers > 0) {
      const { MessageChannel, Worker } = nodeRequire(
        'node:worker_threads',
      ) as typeof import('node:worker_threads')
      for (let i = 0; i < helpers; i++) {
        const { port1, port2 } = new MessageChannel()
        const workerData = {
          ...{ module, memory: heap.memory, control: this.control.buffer, errors: port2 },
        }
        const worker = new Worker(WORKER_SOURCE, { eval: true, workerData, transferList: [port2] })
        worker.unref() // they only wait for work; they must not keep the process alive
        port1.unref()
        this.workers.push(worker)
        this.errorPorts.push(port1)
      }
    }
  }

  /**
   * Compiles the kernels for `heap`, or returns null with the reason when this runtime cannot run
   * them (no relaxed SIMD, which Node 20 has behind a flag that this turns on).
   */
  static async create(
    heap: WasmHeap,
    threads: number,
  ): Promise<{ runtime: GemmRuntime | null; note: string }> {
    if (!relaxedSimdAvailable()) {
      return { runtime: null, note: 'no wasm relaxed SIMD here: the XNNPACK kernels are used' }
    }
    const wabt = await (nodeRequire('wabt') as () => Promise<WabtApi>)()
    const parsed = wabt.parseWat('gemm.wat', gemmModuleText(isShared(heap.memory)), {
      simd: true,
      relaxed_simd: true,
      threads: true,
      bulk_memory: true,
    })
    try {
      const module = await WebAssembly.compile(parsed.toBinary({}).buffer)
      const runtime = new GemmRuntime(heap, module, threads)
      const threadsNote = runtime.threads === 1 ? '1 thread' : `${runtime.threads} threads`
      return { runtime, note: `relaxed-SIMD GEMM kernels on ${threadsNote}` }
    } finally {
      parsed.destroy()
    }
  }

  get threads(): number {
    return this.workers.length + 1
  }

  /**
   * The chunk to `run` `total` units that together do `work` with: `total`, all on the calling
   * thread, when waking the others would cost more than it saves; else `parallel`.
   */
  chunkFor(total: number, work: Work, parallel: number): number {
    const small =
      'multiplyAdds' in work
        ? work.multiplyAdds < MIN_PARALLEL_WORK.multiplyAdds
        : work.floats < MIN_PARALLEL_WORK.floats
    return this.workers.length === 0 || small ? Math.max(1, total) : parallel
  }

  /** Runs `kernel` over units `0 .. total`, `chunk` at a time, on every thread; returns when done. */
  run(kernel: Kernel, total: number, chunk: number, args: number[]): void {
    if (total <= 0) return
    const fn = this.kernels[kernel]
    if (this.workers.length === 0 || total <= chunk) {
      for (let first = 0; first < total; first += chunk)
        fn(first, Math.min(total, first + chunk), ...args)
      return
    }
    const c = this.control
    c[KERNEL] = KERNELS.indexOf(kernel)
    c[TOTAL] = total
    c[CHUNK] = chunk
    c.fill(0, ARGS, SLOTS)
    c.set(args, ARGS)
    Atomics.store(c, NEXT, 0)
    Atomics.store(c, LEFT, 0)
    Atomics.store(c, FAILED, 0)
    Atomics.store(c, JOINED, OPEN)
    Atomics.add(c, GENERATION, 1)
    Atomics.notify(c, GENERATION)
    let failure: unknown = null
    try {
      for (;;) {
        const first = Atomics.add(c, NEXT, chunk)
        if (first >= total) break
        fn(first, Math.min(total, first + chunk), ...args)
      }
    } catch (error) {
      Atomics.store(c, NEXT, total)
      failure = error
    }
    // No worker joins from now on: one still asleep (a busy machine) is not waited for, and
    // those that joined finish their units (or fail) before anything else touches what they write.
    const joined = Atomics.exchange(c, JOINED, 0) - OPEN
    for (let left = Atomics.load(c, LEFT); left < joined; left = Atomics.load(c, LEFT)) {
      Atomics.wait(c, LEFT, left)
    }
    if (failure !== null) throw failure
    if (Atomics.load(c, FAILED) !== 0) {
      const { receiveMessageOnPort } = nodeRequire(
        'node:worker_threads',
      ) as typeof import('node:worker_threads')
      const reasons = this.errorPorts.map((port) => receiveMessageOnPort(port)?.message as unknown)
      const reason = reasons.find((r) => r !== undefined) ?? 'no message'
      throw new Error(`The wasm kernel '${kernel}' failed on a worker thread: ${String(reason)}`)
    }
  }

  /** Stops the worker threads. */
  dispose(): void {
    if (this.workers.length === 0) return
    Atomics.store(this.control, KERNEL, -1)
    Atomics.add(this.control, GENERATION, 1)
    Atomics.notify(this.control, GENERATION)
    for (const worker of this.workers) void worker.terminate()
    for (const port of this.errorPorts) port.close()
    this.workers.length = 0
    this.errorPorts.length = 0
  }
}

/** What the engine uses of wabt: text to a module binary. */
export interface WabtApi {
  parseWat(
    filename: string,
    text: string,
    features: Record<string, boolean>,
  ): { toBinary(options: object): { buffer: Uint8Array<ArrayBuffer> }; destroy(): void }
}

function isShared(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer
}

// (module (func (param v128 v128 v128) (result v128) f32x4.relaxed_madd)): valid only with relaxed SIMD.
const RELAXED_MADD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b,
  0x01, 0x7b, 0x03, 0x02, 0x01, 0x00, 0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20,
  0x02, 0xfd, 0x85, 0x02, 0x0b,
])

/**
 * True when this runtime validates relaxed SIMD. Node 20's V8 has it behind
 * `--experimental-wasm-relaxed-simd`, which is turned on here (it only widens what validates);
 * Electron's newer V8 has it on.
 */
export function relaxedSimdAvailable(): boolean {
  if (WebAssembly.validate(RELAXED_MADD_PROBE)) return true
  const v8 = nodeRequire('node:v8') as typeof import('node:v8')
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd')
  return WebAssembly.validate(RELAXED_MADD_PROBE)
}
