import { resolve } from 'node:path'
import type { EncodeSummary } from '@shared/contract'
import { command, numberFlag, UsageError } from '../command'
import { runJob } from '../follow'

type EncodeResult = EncodeSummary & { project: string }

export const encode = command({
  name: 'encode',
  summary: "Encode every image of a project's dataset with its trained model (mu, logVar, error)",
  usage: 'atelier encode --project DIR [--force] [--batch 64] [--backend NAME] [--json]',
  options: {
    project: { type: 'string' },
    force: { type: 'boolean' },
    batch: { type: 'string' },
    backend: { type: 'string' },
  },
  run: async (inv): Promise<EncodeResult> => {
    const project = projectFlag(inv.values)
    const batch = numberFlag(inv.values, 'batch', 64, { min: 1, max: 1024, integer: true })
    const engine = await inv.engine()
    const params = { project, batch, force: inv.values.force === true }
    return { project, ...(await runJob(engine, 'map.encode', params, inv.note)) }
  },
  format: (r) =>
    r.encoded
      ? `Encoded ${r.count} images to ${r.dim} latent dimensions in ${r.seconds.toFixed(1)} s (model ${r.modelHash}); wrote ${r.project}/latents.f32`
      : `The latents of ${r.project} are up to date (${r.count} images, model ${r.modelHash}); --force encodes again.`,
})

/** The --project flag as an absolute path. */
export function projectFlag(values: Record<string, unknown>): string {
  const project = values.project
  if (typeof project !== 'string' || project === '') {
    throw new UsageError('--project DIR is required: the project folder.')
  }
  return resolve(project)
}
