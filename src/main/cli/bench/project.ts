import { cpus, loadavg } from 'node:os'
import { ensureLatents } from '../../engine/map/map-service'
import { projectModel } from '../../engine/map/model-source'
import { readLatents } from '../../engine/map/latents-store'
import { mulberry32 } from '../../engine/random'
import type { ProjectionMethod } from '../../engine/map/projection'
import { projectionWorkerFile, runProjection } from '../../engine/map/run-projection'
import { command, numberFlag, UsageError } from '../command'
import { projectFlag } from '../commands/encode'

interface BenchRow {
  method: ProjectionMethod
  projectSeconds: number
  scoreSeconds: number
  neighbourhood: number | null
  scoredPoints: number
  sampled: boolean
  /** UMAP only: computed on the engine's GPU (`--backend webgpu`, or one picked by itself). */
  onGpu?: boolean
}

interface BenchProjectResult {
  source: string
  count: number
  dim: number
  worker: boolean
  cores: number
  load: number[]
  rows: BenchRow[]
}

export const benchProject = command({
  name: 'bench project',
  summary: 'Time the 3D projections (PCA, UMAP) and their neighbourhood scores',
  usage:
    'atelier bench project (--project DIR | --synthetic 100000 [--dim 32]) [--methods pca,umap,dims] [--backend NAME] [--no-score] [--json]',
  options: {
    project: { type: 'string' },
    synthetic: { type: 'string' },
    dim: { type: 'string' },
    methods: { type: 'string' },
    'no-score': { type: 'boolean' },
    backend: { type: 'string' },
  },
  run: async (inv): Promise<BenchProjectResult> => {
    const methods = String(inv.values.methods ?? 'pca,umap').split(',') as ProjectionMethod[]
    for (const m of methods) {
      if (!['pca', 'umap', 'dims'].includes(m))
        throw new UsageError(`--methods: ${m} is not pca, umap or dims.`)
    }
    let latents: Float32Array
    let count: number
    let dim: number
    let source: string
    if (inv.values.synthetic !== undefined) {
      count = numberFlag(inv.values, 'synthetic', 100_000, {
        min: 10,
        max: 1_000_000,
        integer: true,
      })
      dim = numberFlag(inv.values, 'dim', 32, { min: 3, max: 1024, integer: true })
      latents = syntheticLatents(count, dim, 7)
      // The engine's backend decides where UMAP computes (webgpu: on its GPU).
      if (inv.values.backend !== undefined) await inv.engine()
      source = `synthetic: ${count} latents, ${dim}-D mixture of 20 Gaussians (seed 7)`
    } else {
      const project = projectFlag(inv.values)
      await inv.engine()
      inv.note('checking the latents are up to date (encoding if not)')
      await ensureLatents(project, projectModel)
      const read = await readLatents(project)
      latents = read.mu
      count = read.info.count
      dim = read.info.dim
      source = `${project} (model ${read.info.modelHash})`
    }
    const rows: BenchRow[] = []
    for (const method of methods) {
      inv.note(`${method}: projecting ${count} points`)
      const out = await runProjection(
        { latents, n: count, dim, method, seed: 1, skipScore: inv.values['no-score'] === true },
        {},
      )
      rows.push({
        method,
        projectSeconds: out.projectSeconds,
        scoreSeconds: out.scoreSeconds,
        neighbourhood: out.neighbourhood?.score ?? null,
        scoredPoints: out.neighbourhood?.queries ?? 0,
        sampled: out.neighbourhood?.sampled ?? false,
        ...(out.umapOnGpu !== undefined ? { onGpu: out.umapOnGpu } : {}),
      })
    }
    return {
      source,
      count,
      dim,
      worker: projectionWorkerFile() !== null,
      cores: cpus().length,
      load: loadavg().map((l) => Math.round(l * 100) / 100),
      rows,
    }
  },
  format: (r) =>
    [
      `${r.source}; on ${r.worker ? 'the projection worker thread' : 'the main thread (no built worker)'}, ${r.cores} cores, load ${r.load.join(' ')}`,
      ...r.rows.map(
        (row) =>
          `  ${row.method.padEnd(5)} ${row.projectSeconds.toFixed(2).padStart(8)} s${row.onGpu === undefined ? '' : row.onGpu ? ' on the GPU' : ' on the CPU'}   neighbourhood ${row.neighbourhood === null ? 'not scored' : `${(row.neighbourhood * 100).toFixed(1)}% (k=10, ${row.sampled ? `sample of ${row.scoredPoints}` : `all ${row.scoredPoints}`} points, ${row.scoreSeconds.toFixed(1)} s)`}`,
      ),
    ].join('\n'),
})

/** A seeded mixture of 20 Gaussian clusters: latents with structure for UMAP to find. */
export function syntheticLatents(n: number, dim: number, seed: number): Float32Array {
  const random = mulberry32(seed)
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
  const centres = Array.from({ length: 20 }, () => Array.from({ length: dim }, () => 2 * normal()))
  const out = new Float32Array(n * dim)
  for (let i = 0; i < n; i++) {
    const centre = centres[Math.floor(random() * centres.length)]
    for (let d = 0; d < dim; d++) out[i * dim + d] = centre[d] + normal()
  }
  return out
}
