import type { TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import type { GemmRuntime } from './runtime'

/** Floats per unit of work of the elementwise kernels (4 per SIMD group). */
const GROUPS_PER_UNIT = 4096

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
    this.runtime.run('reluGrad', groups, GROUPS_PER_UNIT, [dyAt, xAt, outAt] as number[])
    const heap = new Float32Array(this.runtime.heap.memory.buffer)
    for (let i = groups * 4; i < count; i++) {
      const xi = heap[(xAt as number) / 4 + i] as number
      heap[(outAt as number) / 4 + i] = xi > 0 ? (heap[(dyAt as number) / 4 + i] as number) : 0
    }
    return out
  }
}
