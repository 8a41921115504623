import type { ProjectionSpec } from '@shared/contract'
import {
  ensureLatents,
  ensureProjection,
  mapPoints,
  mapStatus,
  neighbours,
  thumbnails,
  type ModelSource,
} from '../map/map-service'
import { projectModel } from '../map/model-source'
import { projectionKey } from '../map/projection-store'
import type { HandlerTable } from './types'

/** Handlers of the map; `source` is the trained model (a test may hand in its own). */
export function mapHandlersFor(
  source: ModelSource,
): HandlerTable<
  'map.status' | 'map.encode' | 'map.project' | 'map.points' | 'map.thumbnails' | 'map.neighbours'
> {
  return {
    'map.status': ({ project }) => mapStatus(project, source),
    'map.encode': ({ project, force, batch }, ctx) =>
      ctx.jobs.start(
        'encode',
        { title: `Encoding the images of ${project}`, project },
        async (job) => {
          const { info, encoded } = await ensureLatents(project, source, job, { force, batch })
          return {
            encoded,
            count: info.count,
            dim: info.dim,
            modelHash: info.modelHash,
            seconds: info.seconds,
          }
        },
      ),
    'map.project': ({ project, spec, force }, ctx) =>
      ctx.jobs.start(
        'project',
        { title: `Projecting ${project} to 3D (${describe(spec)})`, project },
        async (job) => {
          const { info, computed, encoded, modelHash } = await ensureProjection(
            project,
            spec,
            source,
            job,
            {
              force,
              layout: (positions, epoch, epochs) =>
                ctx.emit('map.layout', {
                  project,
                  key: projectionKey(spec),
                  spec,
                  count: positions.length / 3,
                  positions,
                  epoch,
                  epochs,
                }),
            },
          )
          if (computed)
            ctx.emit('map.updated', { project, key: info.key, spec: info.spec, modelHash })
          return {
            key: projectionKey(spec),
            computed,
            encoded,
            count: info.count,
            seconds: info.seconds,
            neighbourhood: info.neighbourhood,
            placed: info.placed ?? 0,
            ...(info.umapOnGpu ? { umapOnGpu: true } : {}),
          }
        },
      ),
    'map.points': ({ project, spec }) => mapPoints(project, spec),
    'map.thumbnails': ({ project, indices }) => thumbnails(project, indices),
    'map.neighbours': ({ project, index, k }) => neighbours(project, index, k ?? 10),
  }
}

function describe(spec: ProjectionSpec): string {
  if (spec.method === 'dims') return `latent dimensions ${(spec.dims ?? [0, 1, 2]).join(', ')}`
  if (spec.method === 'umap') return `UMAP, seed ${spec.seed ?? 1}`
  return 'PCA'
}

export const mapHandlers = mapHandlersFor(projectModel)
