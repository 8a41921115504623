import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  batchToFloat,
  checkDatasetFits,
  datasetFiles,
  readDataset,
  readDatasetIndexShared,
  writeDataset,
  type Dataset,
} from '../../../../src/main/engine/data/store'

function tinyDataset(count: number, size = 4): Dataset {
  const pixels = new Uint8Array(count * size * size * 3)
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7) % 256
  return {
    size,
    count,
    pixels,
    labelNames: ['Smiling'],
    source: { kind: 'synthetic', seed: 1 },
    images: Array.from({ length: count }, (_, i) => ({
      file: `synthetic/${String(i).padStart(6, '0')}`,
      bytes: 0,
      mtimeMs: 0,
      hash: `h${i}`,
      labels: { Smiling: i % 2 },
    })),
  }
}

describe('dataset store', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'atelier-store-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('reads back exactly what it wrote', async () => {
    const dataset = tinyDataset(5)
    await writeDataset(dir, dataset)
    const back = await readDataset(dir)
    expect(back.count).toBe(5)
    expect(back.size).toBe(4)
    expect(back.images).toEqual(dataset.images)
    expect(back.labelNames).toEqual(['Smiling'])
    expect(Buffer.from(back.pixels).equals(Buffer.from(dataset.pixels))).toBe(true)
    const manifest = JSON.parse(await readFile(join(dir, 'atelier.json'), 'utf8'))
    expect(manifest.dataset.count).toBe(5)
  })

  it('parses the shared index again only when a write has replaced it', async () => {
    await writeDataset(dir, tinyDataset(3))
    const first = await readDatasetIndexShared(dir)
    expect(await readDatasetIndexShared(dir)).toBe(first)
    await writeDataset(dir, tinyDataset(5))
    const second = await readDatasetIndexShared(dir)
    expect(second).not.toBe(first)
    expect(second.count).toBe(5)
    await rm(datasetFiles(dir).index)
    await expect(readDatasetIndexShared(dir)).rejects.toThrow(/ingest a folder first/)
  })

  it('tells the user to ingest first when the project has no dataset', async () => {
    await expect(readDataset(dir)).rejects.toThrow(/ingest a folder first/)
  })

  it('refuses pixels that do not belong to the index', async () => {
    await writeDataset(dir, tinyDataset(3))
    const pixelsPath = datasetFiles(dir).pixels
    const bytes = await readFile(pixelsPath)
    bytes[0] ^= 0xff
    await writeFile(pixelsPath, bytes)
    await expect(readDataset(dir)).rejects.toThrow(/does not match its index/)
    await writeFile(pixelsPath, bytes.subarray(0, 10))
    await expect(readDataset(dir)).rejects.toThrow(/bytes but its index expects/)
  })

  it('converts a batch to floats in 0..1, NHWC, in the order asked', () => {
    const dataset = tinyDataset(3, 2)
    const batch = batchToFloat(dataset, [2, 0])
    expect(batch.length).toBe(2 * 2 * 2 * 3)
    expect(batch[0]).toBeCloseTo(dataset.pixels[2 * 12] / 255)
    expect(batch[12]).toBeCloseTo(dataset.pixels[0] / 255)
    expect(Math.max(...batch)).toBeLessThanOrEqual(1)
    expect(() => batchToFloat(dataset, [3])).toThrow(RangeError)
  })

  it('says how many images fit when a dataset would outgrow one buffer', () => {
    expect(() => checkDatasetFits(200_000, 64)).not.toThrow()
    expect(() => checkDatasetFits(200_000, 128)).toThrow(/at most 87381 images at this size/)
  })
})
