import { describe, expect, it } from 'vitest'
import { decodeFrame, encodeFrame } from '@shared/wire'

describe('wire frames', () => {
  it('round-trips typed arrays as bytes, not number lists', () => {
    const latents = new Float32Array([0.5, -1.25, 3e-8, 42])
    const pixels = new Uint8Array([0, 127, 255])
    const message = {
      kind: 'reply',
      id: 7,
      ok: true,
      result: { latents, nested: [{ pixels }], n: 3 },
    }
    const frame = encodeFrame(message)
    expect(new TextDecoder().decode(frame)).not.toContain('-1.25')
    const back = decodeFrame(frame) as typeof message
    expect(back.result.latents).toBeInstanceOf(Float32Array)
    expect([...back.result.latents]).toEqual([...latents])
    expect(back.result.nested[0]!.pixels).toBeInstanceOf(Uint8Array)
    expect([...back.result.nested[0]!.pixels]).toEqual([0, 127, 255])
    expect(back.result.n).toBe(3)
  })

  it('sends a Node Buffer or a view into a larger buffer as just its bytes', () => {
    const big = new Float32Array([1, 2, 3, 4, 5])
    const view = big.subarray(1, 3)
    const back = decodeFrame(encodeFrame({ view, buffer: Buffer.from([9, 8]) })) as {
      view: Float32Array
      buffer: Uint8Array
    }
    expect([...back.view]).toEqual([2, 3])
    expect([...back.buffer]).toEqual([9, 8])
  })

  it('decodes a frame that arrives as a view into a larger Node Buffer', () => {
    const frame = encodeFrame({ latents: new Float32Array([1.5, -2]) })
    const pool = Buffer.alloc(frame.length + 24)
    pool.set(frame, 24)
    const back = decodeFrame(pool.subarray(24)) as { latents: Float32Array }
    expect([...back.latents]).toEqual([1.5, -2])
  })

  it('passes plain JSON through', () => {
    expect(decodeFrame(encodeFrame({ a: 'b', c: [1, null] }))).toEqual({ a: 'b', c: [1, null] })
  })
})
