import type { Evaluation } from '@shared/contract'
import { command, numberFlag } from '../command'
import { projectFlag } from './encode'

export const evaluate = command({
  name: 'eval',
  summary: "Reconstruction error per pixel and KL of the project's model on held-out images",
  usage: 'atelier eval --project DIR [--holdout N] [--backend wasm|cpu|tensorflow] [--json]',
  options: {
    project: { type: 'string' },
    holdout: { type: 'string' },
    backend: { type: 'string' },
  },
  run: async (inv): Promise<Evaluation> => {
    const project = projectFlag(inv.values)
    const holdout =
      inv.values.holdout === undefined
        ? undefined
        : numberFlag(inv.values, 'holdout', 0, { min: 1, max: 10_000_000, integer: true })
    return (await inv.engine()).call('model.evaluate', { project, holdout })
  },
  format: (e) =>
    [
      `${e.count} held-out images, ${e.model.config.kind} model (${e.model.config.size}px, L=${e.model.config.latent}, ${e.model.epochsDone} epochs, ${e.model.loss}):`,
      `  reconstruction MSE per pixel ${e.msePerPixel.toFixed(5)} (RMSE ${Math.sqrt(e.msePerPixel).toFixed(4)}), BCE per pixel ${e.bcePerPixel.toFixed(4)}`,
      `  per image: reconstruction (${e.model.loss}) ${e.reconstruction.toFixed(2)}, KL ${e.kl.toFixed(2)}, ELBO ${e.elbo.toFixed(2)}`,
    ].join('\n'),
})
