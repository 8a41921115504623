import { PROJECTION_METHODS, type ProjectionSpec, type ProjectSummary } from '@shared/contract'
import { command, numberFlag, UsageError } from '../command'
import { runJob } from '../follow'
import { projectFlag } from './encode'

type ProjectResult = ProjectSummary & { project: string }

export const project = command({
  name: 'project',
  summary:
    'Project the latents to 3D (PCA, UMAP or three latent dimensions) and score neighbourhoods',
  usage:
    'atelier project --project DIR [--method pca|umap|dims] [--dims 0,1,2] [--seed 1] [--force] [--json]',
  options: {
    project: { type: 'string' },
    method: { type: 'string' },
    dims: { type: 'string' },
    seed: { type: 'string' },
    force: { type: 'boolean' },
    backend: { type: 'string' },
  },
  run: async (inv): Promise<ProjectResult> => {
    const dir = projectFlag(inv.values)
    const spec = projectionSpecFlags(inv.values)
    const engine = await inv.engine()
    const params = { project: dir, spec, force: inv.values.force === true }
    return { project: dir, ...(await runJob(engine, 'map.project', params, inv.note)) }
  },
  format: (r) => {
    const n = r.neighbourhood
    const score = n
      ? `neighbourhood kept: ${(n.score * 100).toFixed(1)}% of ${n.k} nearest (${n.sampled ? `sample of ${n.queries} points` : `all ${n.queries} points`})`
      : 'not scored'
    const how = `${r.computed ? `in ${r.seconds.toFixed(2)} s` : '(cached)'}${r.umapOnGpu ? ' on the GPU' : ''}`
    const placed =
      r.placed > 0
        ? `; ${r.placed} of them placed by their latent neighbours since the last full projection (--force projects afresh)`
        : ''
    return `${r.key}: ${r.count} points ${how}${r.encoded ? ', after encoding' : ''}${placed}; ${score}`
  },
})

/** --method, --dims, --seed as a projection spec. */
export function projectionSpecFlags(values: Record<string, unknown>): ProjectionSpec {
  const method = (values.method ?? 'pca') as ProjectionSpec['method']
  if (!PROJECTION_METHODS.includes(method)) {
    throw new UsageError(
      `--method ${String(method)} is not one of ${PROJECTION_METHODS.join(', ')}.`,
    )
  }
  if (method === 'dims') {
    const text = typeof values.dims === 'string' ? values.dims : '0,1,2'
    const dims = text.split(',').map(Number)
    if (dims.length !== 3 || dims.some((d) => !Number.isInteger(d) || d < 0 || d > 1023)) {
      throw new UsageError(`--dims ${text} must be three latent dimensions, e.g. 0,1,2.`)
    }
    return { method, dims: dims as [number, number, number] }
  }
  if (method === 'umap') {
    return {
      method,
      seed: numberFlag(values as never, 'seed', 1, { min: 0, max: 0xffffffff, integer: true }),
    }
  }
  return { method }
}
