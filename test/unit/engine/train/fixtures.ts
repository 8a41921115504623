import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeDataset, type Dataset } from '../../../../src/main/engine/data/store'
import { mulberry32 } from '../../../../src/main/engine/random'

/** A project folder in the temp dir with `count` smooth random 32x32 images. */
export async function tinyProject(count = 10, seed = 1): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'atelier-train-'))
  const size = 32
  const random = mulberry32(seed)
  const pixels = new Uint8Array(count * size * size * 3)
  for (let i = 0; i < count; i++) {
    const [r, g, b] = [random(), random(), random()]
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const o = ((i * size + y) * size + x) * 3
        pixels[o] = Math.round(255 * r * (x / size))
        pixels[o + 1] = Math.round(255 * g * (y / size))
        pixels[o + 2] = Math.round(255 * b)
      }
    }
  }
  const dataset: Dataset = {
    size,
    count,
    pixels,
    images: Array.from({ length: count }, (_, i) => ({
      file: `synthetic/${i}`,
      bytes: 0,
      mtimeMs: 0,
      hash: String(i),
      labels: {},
    })),
    labelNames: [],
    source: { kind: 'synthetic', seed },
  }
  await writeDataset(dir, dataset)
  return dir
}

export function removeProject(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true })
}
