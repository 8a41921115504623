import type { Dataset } from '../../../../../src/main/engine/data/store'
import type { ModelSource } from '../../../../../src/main/engine/map/map-service'
import { buildVae } from '../../../../../src/main/engine/model/vae'

export const TINY_SIZE = 32
export const COUNT = 24

/** A tiny dataset: flat-coloured squares, half of them labelled smiling, with a categorical hair colour. */
export function tinyDataset(): Dataset {
  const pixels = new Uint8Array(COUNT * TINY_SIZE * TINY_SIZE * 3)
  for (let i = 0; i < COUNT; i++) {
    pixels.fill((i * 10) % 256, i * TINY_SIZE * TINY_SIZE * 3, (i + 1) * TINY_SIZE * TINY_SIZE * 3)
  }
  return {
    size: TINY_SIZE,
    count: COUNT,
    pixels,
    labelNames: ['smiling', 'hair'],
    source: { kind: 'synthetic', seed: 1 },
    images: Array.from({ length: COUNT }, (_, i) => ({
      file: `synthetic/${String(i).padStart(6, '0')}`,
      bytes: 0,
      mtimeMs: 0,
      hash: String(i),
      labels: { smiling: i % 2, hair: i % 3 === 0 ? 'black' : i % 3 === 1 ? 'blond' : null },
    })),
  }
}

/** A random (untrained) model standing in for a checkpoint; `generation` plays the checkpoint hash. */
export function testModel(): ModelSource & { generation: string } {
  const source = {
    generation: 'g1',
    hash: async () => source.generation,
    load: async () => ({
      vae: buildVae({ kind: 'benchmark', size: TINY_SIZE, latent: 4, filters: 2 }, 3),
      hash: source.generation,
    }),
  }
  return source
}
