import { util } from '@tensorflow/tfjs-core'
import type { TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import type { ProjectKernelImpl } from '../register'

const BYTES: Partial<Record<string, number>> = { float32: 4, int32: 4, bool: 1 }

/**
 * wasm's `Tile` computes every output element's source index in a scalar loop (~100 ns each: 200
 * ms to tile batch norm's [1, 1, 1, 32] over a [64, 32, 32, 32] batch, as its gradient does for
 * every layer, every step). This one copies whole runs: each innermost row once, then doubling
 * copies of the block built so far, axis by axis. Strings go to wasm's own kernel.
 */
export const wasmTile: ProjectKernelImpl = (runner, inputs, attrs, original) => {
  if (original === undefined) throw new Error('wasm backend has no Tile kernel to wrap')
  const x = inputs.x as TensorInfo
  const bytes = BYTES[x.dtype]
  const reps = attrs.reps as number[]
  if (bytes === undefined || x.shape.length === 0) {
    return runner.keep(runner.runConfig(original, inputs, attrs))
  }
  const backend = runner.backend as BackendWasm
  const outShape = x.shape.map((size, i) => size * (reps[i] ?? 1))
  const out = backend.makeOutput(outShape, x.dtype)
  if (util.sizeFromShape(outShape) === 0) return out
  const memory = new Uint8Array((backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.buffer)
  const from = backend.getMemoryOffset(x.dataId)
  const to = backend.getMemoryOffset(out.dataId)
  const rank = x.shape.length
  // Bytes per step along each axis, in x and in the output.
  const inStride = x.shape.map((_, i) => util.sizeFromShape(x.shape.slice(i + 1)) * bytes)
  const outStride = outShape.map((_, i) => util.sizeFromShape(outShape.slice(i + 1)) * bytes)

  /** Fills the output block at `target` (one index along each axis before `axis`). */
  const fill = (axis: number, source: number, target: number): void => {
    const size = x.shape[axis] as number
    if (axis === rank - 1) {
      memory.copyWithin(target, source, source + size * bytes)
    } else {
      for (let j = 0; j < size; j++) {
        fill(
          axis + 1,
          source + j * (inStride[axis] as number),
          target + j * (outStride[axis] as number),
        )
      }
    }
    // The block of one repetition along `axis`, repeated by doubling.
    const block = size * (outStride[axis] as number)
    const times = reps[axis] ?? 1
    for (let done = 1; done < times; done *= 2) {
      const count = Math.min(done, times - done)
      memory.copyWithin(target + done * block, target, target + count * block)
    }
  }
  fill(0, from, to)
  return out
}
