import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GemmRuntime, type WasmHeap } from '../../../../../src/main/engine/backend/gemm/runtime'

// The runtime over a memory of its own (a bump allocator stands in for Emscripten's heap).
const memory = new WebAssembly.Memory({ initial: 64, maximum: 65536, shared: true })
let top = 1024
const heap: WasmHeap = {
  memory,
  malloc: (bytes) => {
    const pointer = top
    top += Math.ceil(bytes / 16) * 16
    return pointer
  },
  free: () => {},
}
let runtime: GemmRuntime

beforeAll(async () => {
  const created = await GemmRuntime.create(heap, 2)
  expect(created.note).toBe('relaxed-SIMD GEMM kernels on 2 threads')
  runtime = created.runtime as GemmRuntime
})
afterAll(() => runtime.dispose())

function leakyRelu(count: number): Float32Array {
  const x = heap.malloc(count * 4)
  const out = heap.malloc(count * 4)
  const input = new Float32Array(memory.buffer, x, count)
  input.forEach((_, i) => (input[i] = i % 3 === 0 ? -i : i))
  const alpha = new Int32Array(Float32Array.of(0.5).buffer)[0] as number
  runtime.run('leakyRelu', count / 4, 64, [x, out, alpha])
  return new Float32Array(memory.buffer, out, count).slice()
}

describe('wasm kernel runtime', () => {
  it('splits a call between this thread and a worker, over one shared memory', () => {
    const out = leakyRelu(1 << 16)
    expect(out[3]).toBe(-1.5)
    expect(out[4]).toBe(4)
    expect(out[65535]).toBe(-32767.5)
  })

  it('throws when a kernel fails, on any thread, and keeps serving', () => {
    const beyond = memory.buffer.byteLength + (1 << 20)
    expect(() => runtime.run('leakyRelu', 4096, 1, [beyond, beyond, 0])).toThrow(/out of bounds/)
    expect(leakyRelu(4096)[4]).toBe(4)
  })

  it('gives each of many quick calls in a row its own arguments, whether a worker joins or not', () => {
    const count = 1 << 12
    const x = heap.malloc(count * 4)
    const outs = [heap.malloc(count * 4), heap.malloc(count * 4)]
    for (let call = 0; call < 400; call++) {
      new Float32Array(memory.buffer, x, count).fill(-call)
      const slope = call % 2 === 0 ? 0.5 : 0.25
      const alpha = new Int32Array(Float32Array.of(slope).buffer)[0] as number
      runtime.run('leakyRelu', count / 4, 1, [x, outs[call % 2] as number, alpha])
      const result = new Float32Array(memory.buffer, outs[call % 2], count)
      expect(result.every((v) => v === -call * slope)).toBe(true)
    }
  })
})
