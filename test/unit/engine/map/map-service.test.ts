import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src/main/engine/backend/select'
import { writeDataset } from '../../../../src/main/engine/data/store'
import {
  ensureLatents,
  ensureProjection,
  mapPoints,
  mapStatus,
  neighbours,
  thumbnails,
} from '../../../../src/main/engine/map/map-service'
import { readLatents } from '../../../../src/main/engine/map/latents-store'
import { COUNT, TINY_SIZE, testModel, tinyDataset } from './support/tiny-project'

describe('the map service', () => {
  let dir: string
  const model = testModel()

  beforeAll(async () => {
    await selectBackend('cpu')
    dir = await mkdtemp(join(tmpdir(), 'atelier-map-'))
    await writeDataset(dir, tinyDataset())
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('encodes every image once per model, without leaking tensors', async () => {
    const before = tf.memory().numTensors
    const first = await ensureLatents(dir, model)
    expect(tf.memory().numTensors).toBe(before)
    expect(first.encoded).toBe(true)
    expect(first.info).toMatchObject({ count: COUNT, dim: 4, modelHash: 'g1' })
    const latents = await readLatents(dir)
    expect(latents.mu).toHaveLength(COUNT * 4)
    expect(latents.logVar).toHaveLength(COUNT * 4)
    expect(latents.reconError.every((e) => e > 0 && e < 1)).toBe(true)

    expect((await ensureLatents(dir, model)).encoded).toBe(false)
    model.generation = 'g2'
    expect((await mapStatus(dir, model)).latents?.stale).toBe(true)
    const again = await ensureLatents(dir, model)
    expect(again.encoded).toBe(true)
    expect(again.info.modelHash).toBe('g2')
  })

  it('projects, caches the projection, and serves the points with files, labels and errors', async () => {
    const pca = await ensureProjection(dir, { method: 'pca' }, model)
    expect(pca.computed).toBe(true)
    expect(pca.info.neighbourhood?.k).toBe(10)
    expect((await ensureProjection(dir, { method: 'pca' }, model)).computed).toBe(false)

    const points = await mapPoints(dir, { method: 'pca' })
    expect(points.count).toBe(COUNT)
    expect(points.positions).toBeInstanceOf(Float32Array)
    expect(points.positions).toHaveLength(COUNT * 3)
    expect(points.files[5]).toBe('synthetic/000005')
    expect(points.labels[0]).toMatchObject({ name: 'smiling', kind: 'number' })
    const hair = points.labels[1]
    expect(hair.kind).toBe('category')
    if (hair.kind === 'category') {
      expect(hair.categories).toEqual(['black', 'blond'])
      expect(Array.from(hair.codes.slice(0, 3))).toEqual([0, 1, 0xffff])
    }
    expect((await mapStatus(dir, model)).projections.map((p) => p.key)).toEqual(['pca'])
  })

  it('shows three chosen latent dimensions as they are, and refuses one that does not exist', async () => {
    await ensureProjection(dir, { method: 'dims', dims: [3, 0, 1] }, model)
    const points = await mapPoints(dir, { method: 'dims', dims: [3, 0, 1] })
    const latents = await readLatents(dir)
    // Normalisation is one shift and one scale for all axes: x follows latent 3.
    const x0 = points.positions[0] - points.positions[3]
    const l0 = latents.mu[3] - latents.mu[4 + 3]
    const y0 = points.positions[1] - points.positions[4]
    const m0 = latents.mu[0] - latents.mu[4]
    expect(x0 / l0 / (y0 / m0)).toBeCloseTo(1, 4)
    await expect(ensureProjection(dir, { method: 'dims', dims: [0, 1, 9] }, model)).rejects.toThrow(
      /dimension 9 does not exist/,
    )
  })

  it('serves thumbnails as RGBA and a point’s nearest neighbours in latent space', async () => {
    const thumbs = await thumbnails(dir, [2, 0])
    expect(thumbs.size).toBe(TINY_SIZE)
    expect(thumbs.rgba).toHaveLength(2 * TINY_SIZE * TINY_SIZE * 4)
    expect(Array.from(thumbs.rgba.slice(0, 4))).toEqual([20, 20, 20, 255])
    await expect(thumbnails(dir, [COUNT])).rejects.toThrow(/does not exist/)

    const near = await neighbours(dir, 0, 5)
    expect(near.indices).toHaveLength(5)
    expect(Array.from(near.indices)).not.toContain(0)
    expect([...near.distances].every((d, i, all) => i === 0 || d >= all[i - 1])).toBe(true)
  })

  it('places images added to the project in the UMAP layout it has, until projected afresh', async () => {
    const first = await ensureProjection(dir, { method: 'umap', seed: 1 }, model)
    expect(first.info.placed).toBe(0)
    const before = (await mapPoints(dir, { method: 'umap', seed: 1 })).positions

    // Four more images: copies of images 0..3's pixels under new names and hashes.
    const grown = tinyDataset()
    const extra = 4
    const bytes = TINY_SIZE * TINY_SIZE * 3
    const pixels = new Uint8Array((COUNT + extra) * bytes)
    pixels.set(grown.pixels)
    pixels.set(grown.pixels.subarray(0, extra * bytes), COUNT * bytes)
    const images = [
      ...grown.images,
      ...grown.images.slice(0, extra).map((image, i) => ({
        ...image,
        file: `added/${i}`,
        hash: `added-${i}`,
      })),
    ]
    await writeDataset(dir, { ...grown, count: COUNT + extra, pixels, images })

    const again = await ensureProjection(dir, { method: 'umap', seed: 1 }, model)
    expect(again).toMatchObject({ computed: true, encoded: true })
    expect(again.info.placed).toBe(extra)
    const after = (await mapPoints(dir, { method: 'umap', seed: 1 })).positions
    expect(after).toHaveLength((COUNT + extra) * 3)
    expect(Array.from(after.subarray(0, COUNT * 3))).toEqual(Array.from(before))
    // The added images land inside the layout (their exact place is incremental.test.ts's).
    for (let a = 0; a < 3; a++) {
      const axis = Array.from(before.filter((_, j) => j % 3 === a))
      for (let i = COUNT; i < COUNT + extra; i++) {
        expect(after[i * 3 + a]).toBeGreaterThanOrEqual(Math.min(...axis))
        expect(after[i * 3 + a]).toBeLessThanOrEqual(Math.max(...axis))
      }
    }

    const afresh = await ensureProjection(dir, { method: 'umap', seed: 1 }, model, undefined, {
      force: true,
    })
    expect(afresh.info.placed).toBe(0)
  })
})
