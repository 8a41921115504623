import type { TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import type { GemmRuntime, Kernel } from './runtime'
import type { BinaryOp } from './wat'
import { Scratch } from './scratch'

/** Each op of `binary` on two numbers, for the floats after the last whole group of 4. */
const SCALAR: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b))
const lcm = (a: number, b: number): number => (a / gcd(a, b)) * b

/** Groups of 4 floats that a thread takes at a time. */
const GROUPS_PER_UNIT = 4096

/** The scalars of one Adam step (see `adam` in ./wat.ts). */
export interface AdamStep {
  beta1: number
  beta2: number
  /** 1 / (1 - beta1^t) and 1 / (1 - beta2^t). */
  c1: number
  c2: number
  epsilon: number
  rate: number
}

/**
 * Elementwise passes of training that tfjs's wasm backend makes in several single-threaded (some
 * scalar) ops, each in one threaded SIMD pass.
 */
export class Elementwise {
  private readonly scratch: Scratch

  constructor(
    private readonly runtime: GemmRuntime,
    private readonly backend: BackendWasm,
  ) {
    this.scratch = new Scratch(runtime.heap)
  }

  /** Frees the scratch buffers. */
  dispose(): void {
    this.scratch.dispose()
  }

  /**
   * `a op b` for float32 tensors of the same shape, or where one is a scalar or a vector along
   * the other's last axis (a bias, batch norm's statistics); null for anything else (the
   * caller uses tfjs's kernel).
   */
  binary(op: BinaryOp, a: TensorInfo, b: TensorInfo): TensorInfo | null {
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return null
    const sizeOf = (t: TensorInfo): number => t.shape.reduce((x, y) => x * y, 1)
    const f = Math.fround
    const scalar = SCALAR[op]
    if (a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i])) {
      return this.map(`${op}Full`, [a, b], null, (x, y) => f(scalar(x, y)))
    }
    const left = sizeOf(a) < sizeOf(b) // the broadcast operand is on the left
    const [full, small] = left ? [b, a] : [a, b]
    const count = sizeOf(full)
    const channels = full.shape[full.shape.length - 1] ?? 0
    const smallSize = sizeOf(small)
    const trailing =
      smallSize === channels &&
      small.shape.length <= full.shape.length &&
      small.shape.every((d, i) => d === 1 || i === small.shape.length - 1)
    if (count === 0 || (smallSize !== 1 && !trailing)) return null
    const period = smallSize === 1 ? 4 : lcm(channels, 4)
    if (count % period !== 0) return null
    const values = this.backend.readSync(small.dataId) as Float32Array
    const pattern = this.scratch.get('pattern', period * 4)
    const view = new Float32Array(this.runtime.heap.memory.buffer, pattern, period)
    for (let j = 0; j < period; j++) view[j] = values[j % smallSize] as number
    const out = this.backend.makeOutput(full.shape, 'float32')
    const rows = count / period
    const kernel: Kernel =
      left && (op === 'sub' || op === 'div') ? `${op}PatternLeft` : `${op}Pattern`
    const [fullAt, outAt] = [full, out].map((t) => this.backend.getMemoryOffset(t.dataId))
    const chunk = this.runtime.chunkFor(
      rows,
      { floats: count },
      Math.max(1, (GROUPS_PER_UNIT * 4) / period),
    )
    this.runtime.run(kernel, rows, chunk, [fullAt as number, pattern, outAt as number, period])
    return out
  }

  /** `max(x, 0)`, in one pass on every thread. */
  relu(x: TensorInfo): TensorInfo {
    return this.map('relu', [x], null, (xi) => (xi > 0 ? xi : 0))
  }

  /** `x > 0 ? x : alpha * x`, in one pass on every thread. */
  leakyRelu(x: TensorInfo, alpha: number): TensorInfo {
    return this.map('leakyRelu', [x], alpha, (xi) => (xi > 0 ? xi : Math.fround(alpha * xi)))
  }

  /** The input gradient of `leakyRelu` (ReLU's with alpha 0): `x > 0 ? dy : alpha * dy`. */
  leakyReluGrad(dy: TensorInfo, x: TensorInfo, alpha: number): TensorInfo {
    return this.map('leakyReluGrad', [dy, x], alpha, (dyi, xi) =>
      xi > 0 ? dyi : Math.fround(alpha * dyi),
    )
  }

  /**
   * A new float32 tensor shaped like the last input, from the wasm `kernel` over the inputs'
   * groups of 4 floats (with `alpha`'s bits last, if any) and `tail` for the few floats after them.
   */
  private map(
    kernel: Kernel,
    inputs: TensorInfo[],
    alpha: number | null,
    tail: (...values: number[]) => number,
  ): TensorInfo {
    const shape = (inputs[inputs.length - 1] as TensorInfo).shape
    const out = this.backend.makeOutput(shape, 'float32')
    const count = shape.reduce((a, b) => a * b, 1)
    const groups = Math.floor(count / 4)
    const at = [...inputs, out].map((t) => this.backend.getMemoryOffset(t.dataId))
    const alphaBits =
      alpha === null ? [] : [new Int32Array(Float32Array.of(alpha).buffer)[0] as number]
    const chunk = this.runtime.chunkFor(groups, { floats: count }, GROUPS_PER_UNIT)
    this.runtime.run(kernel, groups, chunk, [...at, ...alphaBits])
    const heap = new Float32Array(this.runtime.heap.memory.buffer)
    const outAt = (at[at.length - 1] as number) / 4
    for (let i = groups * 4; i < count; i++) {
      heap[outAt + i] = tail(...at.slice(0, -1).map((a) => heap[a / 4 + i] as number))
    }
    return out
  }

  /**
   * Batch normalisation of channels-last float32 `x` with per-channel statistics (`channels` a
   * multiple of 4): `(x - mean) * scale / sqrt(variance + epsilon) + offset`.
   */
  batchNorm(
    x: TensorInfo,
    stats: {
      mean: Float32Array
      variance: Float32Array
      scale: Float32Array
      offset: Float32Array
    },
    epsilon: number,
  ): TensorInfo {
    const channels = stats.mean.length
    const out = this.backend.makeOutput(x.shape, 'float32')
    const pixels = x.shape.reduce((a, b) => a * b, 1) / channels
    const factor = stats.scale.map((s, c) => s / Math.sqrt((stats.variance[c] as number) + epsilon))
    const vectors = this.scratch.get('statistics', 3 * channels * 4)
    const heap = new Float32Array(this.runtime.heap.memory.buffer)
    heap.set(stats.mean, vectors / 4)
    heap.set(factor, vectors / 4 + channels)
    heap.set(stats.offset, vectors / 4 + 2 * channels)
    const [xAt, outAt] = [x, out].map((t) => this.backend.getMemoryOffset(t.dataId)) as [
      number,
      number,
    ]
    const chunk = this.runtime.chunkFor(
      pixels,
      { floats: pixels * channels },
      Math.ceil(1024 / channels) * 4,
    )
    this.runtime.run('batchNorm', pixels, chunk, [
      ...[xAt, outAt, vectors, vectors + 4 * channels, vectors + 8 * channels, channels],
    ])
    return out
  }

  /**
   * The sums over rows of a float32 `rows x channels` x (`channels` a multiple of 4): each unit
   * of rows into a partial sum on its thread, the partials added here. A [channels] tensor.
   */
  columnSum(x: TensorInfo, rows: number, channels: number): TensorInfo {
    const xAt = this.backend.getMemoryOffset(x.dataId) as number
    const sums = this.reduceColumns('columnSum', [xAt], rows, channels)
    const out = this.backend.makeOutput([channels], 'float32')
    const outAt = this.backend.getMemoryOffset(out.dataId) as number
    new Float32Array(this.runtime.heap.memory.buffer, outAt, channels).set(sums)
    return out
  }

  /**
   * What batch norm's gradient sums over the rows of channels-last float32 x and dy (`channels`
   * a multiple of 4), in one pass: `dy` and `(x - mean) * dy`, per channel.
   */
  batchNormSums(
    x: TensorInfo,
    dy: TensorInfo,
    mean: Float32Array,
  ): { dy: Float32Array; centredDy: Float32Array } {
    const channels = mean.length
    const rows = x.shape.reduce((a, b) => a * b, 1) / channels
    const meanAt = this.scratch.get('mean', channels * 4)
    new Float32Array(this.runtime.heap.memory.buffer, meanAt, channels).set(mean)
    const [xAt, dyAt] = [x, dy].map((t) => this.backend.getMemoryOffset(t.dataId) as number) as [
      number,
      number,
    ]
    return {
      dy: this.reduceColumns('columnSum', [dyAt], rows, channels),
      centredDy: this.reduceColumns('columnDot', [xAt, dyAt, meanAt], rows, channels),
    }
  }

  /** `kernel` (a `columnReduce` of ./wat.ts) over `rows` rows, its partial sums added up. */
  private reduceColumns(
    kernel: 'columnSum' | 'columnDot',
    operands: number[],
    rows: number,
    channels: number,
  ): Float32Array {
    const rowsPerUnit = Math.max(1, Math.ceil((GROUPS_PER_UNIT * 4) / channels))
    const units = Math.ceil(rows / rowsPerUnit)
    const partial = this.scratch.get('partial sums', units * channels * 4)
    const chunk = this.runtime.chunkFor(units, { floats: rows * channels * operands.length }, 1)
    this.runtime.run(kernel, units, chunk, [...operands, partial, channels, rowsPerUnit, rows])
    const sums = new Float32Array(channels)
    const partials = new Float32Array(this.runtime.heap.memory.buffer, partial, units * channels)
    for (let u = 0; u < units; u++) {
      for (let c = 0; c < channels; c++) {
        sums[c] = (sums[c] as number) + (partials[u * channels + c] as number)
      }
    }
    return sums
  }

  /** One Adam step of a float32 variable: its new value and moments, in one threaded pass. */
  adam(
    value: TensorInfo,
    m: TensorInfo,
    v: TensorInfo,
    g: TensorInfo,
    step: AdamStep,
  ): [TensorInfo, TensorInfo, TensorInfo] {
    const outs = [0, 1, 2].map(() => this.backend.makeOutput(value.shape, 'float32'))
    const [newValue, newM, newV] = outs as [TensorInfo, TensorInfo, TensorInfo]
    const count = value.shape.reduce((a, b) => a * b, 1)
    const groups = Math.floor(count / 4)
    const at = [value, m, v, g, newValue, newM, newV].map((t) =>
      this.backend.getMemoryOffset(t.dataId),
    )
    const { beta1, beta2, c1, c2, epsilon, rate } = step
    const bits = new Int32Array(Float32Array.from([beta1, beta2, c1, c2, epsilon, rate]).buffer)
    const chunk = this.runtime.chunkFor(groups, { floats: count * 4 }, GROUPS_PER_UNIT)
    this.runtime.run('adam', groups, chunk, [...at, ...bits])
    // The last count % 4 floats, the same way in float32.
    const heap = new Float32Array(this.runtime.heap.memory.buffer)
    const f = Math.fround
    const [pv, pm, ps, pg, nv, nm, ns] = at.map((a) => a / 4) as number[] as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ]
    for (let i = groups * 4; i < count; i++) {
      const grad = heap[pg + i] as number
      const m1 = f(f((heap[pm + i] as number) * beta1) + f(grad * f(1 - beta1)))
      const v1 = f(f((heap[ps + i] as number) * beta2) + f(f(grad * grad) * f(1 - beta2)))
      heap[nm + i] = m1
      heap[ns + i] = v1
      const update = f(f(m1 * c1) / f(f(Math.sqrt(f(v1 * c2))) + epsilon))
      heap[nv + i] = f((heap[pv + i] as number) - f(rate * update))
    }
    return [newValue, newM, newV]
  }
}
