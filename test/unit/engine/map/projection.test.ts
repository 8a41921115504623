import { describe, expect, it } from 'vitest'
import { mulberry32 } from '../../../../src/main/engine/random'
import { computeProjection, normalise } from '../../../../src/main/engine/map/projection'
import { runProjection } from '../../../../src/main/engine/map/run-projection'
import { umap3d, umapEpochs } from '../../../../src/main/engine/map/umap'

/** Two well-separated clusters of 40 points in 6 dimensions. */
function clusters(): Float32Array {
  const random = mulberry32(5)
  const data = new Float32Array(80 * 6)
  for (let i = 0; i < 80; i++) {
    for (let d = 0; d < 6; d++) data[i * 6 + d] = (i < 40 ? 0 : 10) + random()
  }
  return data
}

describe('computeProjection', () => {
  it('UMAP with the same seed gives the same map, and keeps the clusters apart', async () => {
    const latents = clusters()
    const input = { latents, n: 80, dim: 6, method: 'umap' as const, seed: 3 }
    const a = await computeProjection(input)
    const b = await computeProjection(input)
    expect(Array.from(a.positions)).toEqual(Array.from(b.positions))
    expect(a.neighbourhood?.score).toBeGreaterThan(0.5)
    const centre = (from: number) => {
      const c = [0, 0, 0]
      for (let i = from; i < from + 40; i++)
        for (let k = 0; k < 3; k++) c[k] += a.positions[i * 3 + k] / 40
      return c
    }
    const [p, q] = [centre(0), centre(40)]
    expect(Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2])).toBeGreaterThan(0.5)
  })

  it('runs in-process when no worker is built (under vitest), same answer', async () => {
    const input = { latents: clusters(), n: 80, dim: 6, method: 'pca' as const }
    const direct = await computeProjection(input)
    const run = await runProjection(input)
    expect(Array.from(run.positions)).toEqual(Array.from(direct.positions))
    expect(run.explained?.[0]).toBeGreaterThan(0.9)
  })
})

describe('normalise', () => {
  it('centres the cloud and scales all axes by one factor', () => {
    const out = normalise(new Float32Array([0, 0, 0, 2, 4, 6]), 2)
    expect(Array.from(out.slice(0, 3)).map((x) => +x.toFixed(4))).toEqual(
      Array.from(out.slice(3)).map((x) => +(-x).toFixed(4)),
    )
    expect(out[4] / out[3]).toBeCloseTo(2, 5)
    expect(out[5] / out[3]).toBeCloseTo(3, 5)
  })
})

describe('umap3d (embedding-atlas)', () => {
  it('shows its layout as it forms, and stops when cancelled', async () => {
    const layouts: number[] = []
    const controller = new AbortController()
    const run = umap3d(clusters(), 80, 6, {
      seed: 1,
      layoutEveryMs: 0,
      signal: controller.signal,
      layout: (positions, epoch, epochs) => {
        expect(positions.length).toBe(80 * 3)
        expect(epochs).toBe(umapEpochs(80))
        layouts.push(epoch)
        if (layouts.length === 3) controller.abort()
      },
    })
    await expect(run).rejects.toThrow('cancelled')
    expect(layouts).toEqual([5, 10, 15])
  })

  it("computes on the CPU, and says why, when the engine's GPU cannot be reached here", async () => {
    const notes: string[] = []
    const gpu = { via: 'OpenGLES', flags: ['backend=opengles'], options: {} }
    const layout = await umap3d(clusters(), 80, 6, {
      seed: 1,
      gpu,
      progress: (_, message) => notes.push(message),
    })
    expect(layout.onGpu).toBe(false)
    expect(layout.positions.every(Number.isFinite)).toBe(true)
    // On the engine's own thread the browser globals embedding-atlas needs are never put.
    expect(notes[0]).toMatch(
      /^UMAP: the GPU could not be reached \(.*worker threads only\); on the CPU$/,
    )
  })
})
