import { describe, expect, it } from 'vitest'
import { runWireFuzz } from '../../scripts/fault/wire-fuzz.mjs'

// The short, seeded run; `npm run fuzz -- --frames N --seed S` is the long one.
describe('wire fuzzing (seeded, loopback only)', { timeout: 240_000 }, () => {
  it('answers every malformed message, frame and HTTP request, and keeps serving', async () => {
    const { engine, host } = await runWireFuzz({ frames: 150, seed: 7, seconds: 90 })
    expect(engine.sent).toBe(150)
    expect(engine.replies).toBe(engine.expected)
    expect(engine.alive).toBe(true)
    expect(host.frames).toBe(150)
    expect(host.replies).toBe(host.frames + 1) // one answer per frame, and the closing info
    expect(host.http.answered).toBe(host.http.sent)
    expect(host.restarts).toBe(0)
    expect(host.hostAlive).toBe(true)
    // Bounded: no frame makes the engine hold on to what it was sent.
    expect(engine.peakMiB).toBeLessThan(1024)
  })
})
