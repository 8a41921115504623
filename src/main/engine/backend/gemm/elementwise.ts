import type { TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import type { GemmRuntime } from './runtime'

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

/** Elementwise passes of training that tfjs's wasm backend makes in several (single-threaded) ops. */
export class Elementwise {
  constructor(
    private readonly runtime: GemmRuntime,
    private readonly backend: BackendWasm,
  ) {}

  /** ReLU's input gradient, `x > 0 ? dy : 0`, in one pass on every thread. */
  reluGrad(dy: TensorInfo, x: TensorInfo): TensorInfo {
    const out = this.backend.makeOutput(x.shape, 'float32')
    const count = x.shape.reduce((a, b) => a * b, 1)
    const groups = Math.floor(count / 4)
    const [dyAt, xAt, outAt] = [dy, x, out].map((t) => this.backend.getMemoryOffset(t.dataId))
    const chunk = this.runtime.chunkFor(groups, count, GROUPS_PER_UNIT)
    this.runtime.run('reluGrad', groups, chunk, [dyAt, xAt, outAt] as number[])
    const heap = new Float32Array(this.runtime.heap.memory.buffer)
    for (let i = groups * 4; i < count; i++) {
      const xi = heap[(xAt as number) / 4 + i] as number
      heap[(outAt as number) / 4 + i] = xi > 0 ? (heap[(dyAt as number) / 4 + i] as number) : 0
    }
    return out
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
    const chunk = this.runtime.chunkFor(groups, count * 4, GROUPS_PER_UNIT)
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
