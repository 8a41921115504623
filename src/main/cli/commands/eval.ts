import type { Evaluation } from '@shared/contract'
import { resolve } from 'node:path'
import sharp from 'sharp'
import type { EngineClient } from '@shared/client'
import { writeFileAtomic } from '../../engine/project/atomic'
import { imageGrid, pairRows } from '../../engine/train/grid'
import { mulberry32 } from '../../engine/random'
import { command, numberFlag } from '../command'
import { projectFlag } from './encode'

type EvalResult = Evaluation & { grid: string | null; samples: string | null }

export const evaluate = command({
  name: 'eval',
  summary: "Reconstruction error per pixel and KL of the project's model on held-out images",
  usage:
    'atelier eval --project DIR [--holdout N] [--grid PNG] [--samples PNG] [--seed S] [--backend wasm|cpu|tensorflow] [--json]',
  options: {
    project: { type: 'string' },
    holdout: { type: 'string' },
    grid: { type: 'string' },
    samples: { type: 'string' },
    seed: { type: 'string' },
    backend: { type: 'string' },
  },
  run: async (inv): Promise<EvalResult> => {
    const project = projectFlag(inv.values)
    const holdout =
      inv.values.holdout === undefined
        ? undefined
        : numberFlag(inv.values, 'holdout', 0, { min: 1, max: 10_000_000, integer: true })
    const engine = await inv.engine()
    const figures = await engine.request('model.evaluate', { project, holdout })
    let grid: string | null = null
    let samples: string | null = null
    if (typeof inv.values.grid === 'string') {
      grid = resolve(inv.values.grid)
      await writeReconstructionSheet(engine, project, figures, grid)
    }
    if (typeof inv.values.samples === 'string') {
      samples = resolve(inv.values.samples)
      const seed = numberFlag(inv.values, 'seed', 1, { min: 0, max: 2 ** 31 - 1, integer: true })
      await writeSamples(engine, project, figures.model.config.latent, seed, samples)
    }
    return { ...figures, grid, samples }
  },
  format: (e) =>
    [
      `${e.count} held-out images, ${e.model.config.kind} model (${e.model.config.size}px, L=${e.model.config.latent}, ${e.model.epochsDone} epochs, ${e.model.loss}):`,
      `  reconstruction MSE per pixel ${e.msePerPixel.toFixed(5)} (RMSE ${Math.sqrt(e.msePerPixel).toFixed(4)}), BCE per pixel ${e.bcePerPixel.toFixed(4)}`,
      `  detail kept (Laplacian variance, reconstruction / original) ${(100 * e.laplacianRatio).toFixed(1)}%`,
      `  per image: reconstruction (${e.model.loss}) ${e.reconstruction.toFixed(2)}, KL ${e.kl.toFixed(2)}, ELBO ${e.elbo.toFixed(2)}`,
      e.grid ? `  held-out originals above their reconstructions: ${e.grid}` : '',
      e.samples ? `  16 samples from the prior: ${e.samples}` : '',
    ]
      .filter(Boolean)
      .join('\n'),
})

/** 4 rows of 8: 16 held-out originals, each row of them above its reconstructions (from mu). */
async function writeReconstructionSheet(
  engine: EngineClient,
  project: string,
  figures: Evaluation,
  path: string,
): Promise<void> {
  const count = Math.min(16, figures.count)
  const total = figures.model.trainCount + figures.model.holdout
  const first = total - figures.count
  const indices = Array.from({ length: count }, (_, i) => first + i)
  const encoded = await engine.request('model.encode', { project, indices })
  const decoded = await engine.request('model.decode', { project, latents: encoded.mu })
  const thumbs = await engine.request('dataset.thumbnails', {
    project,
    offset: first,
    limit: count,
  })
  const paired = pairRows(thumbs.pixels, decoded.images, count, decoded.size, 8)
  await writePng(imageGrid(paired, count * 2, decoded.size, 8), path)
}

/** 16 decodings of z ~ N(0, I), seeded, in a 4 x 4 sheet. */
async function writeSamples(
  engine: EngineClient,
  project: string,
  latent: number,
  seed: number,
  path: string,
): Promise<void> {
  const random = mulberry32(seed)
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
  const latents = new Float32Array(16 * latent).map(gaussian)
  const decoded = await engine.request('model.decode', { project, latents })
  await writePng(imageGrid(decoded.images, 16, decoded.size, 4), path)
}

async function writePng(
  sheet: { width: number; height: number; pixels: Uint8Array },
  path: string,
): Promise<void> {
  const png = await sharp(sheet.pixels, {
    raw: { width: sheet.width, height: sheet.height, channels: 3 },
  })
    .png()
    .toBuffer()
  await writeFileAtomic(path, png)
}
