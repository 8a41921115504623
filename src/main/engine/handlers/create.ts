import { recipe as recipeSchema, type Rendered } from '@shared/contract'
import { rgbToRgba } from '@shared/pixels'
import { EngineError } from '@shared/protocol'
import { openDemo } from '../create/demo'
import { projectDecoder, type LatentDecoder } from '../create/decoder'
import { encodeFile } from '../create/encode-file'
import { writeExport, listExports, readRecipe } from '../create/exports'
import { addFavourite, listFavourites, removeFavourite } from '../create/favourites'
import { computeAttribute, deleteAttribute, listAttributes, resolveInputs } from '../create/inputs'
import { renderDocument, renderRecipe, type RenderedFrames } from '../create/render'
import type { HandlerTable } from './types'
import { checkManifold } from '../create/manifold-guard'

export const createHandlers: HandlerTable<
  | 'create.render'
  | 'create.manifold'
  | 'create.attributes.list'
  | 'create.attributes.compute'
  | 'create.attributes.delete'
  | 'create.favourites.list'
  | 'create.favourites.add'
  | 'create.favourites.remove'
  | 'create.encode'
  | 'create.export'
  | 'create.exports.list'
  | 'create.recipe.read'
  | 'create.recipe.render'
  | 'demo.open'
> = {
  'create.render': async ({ project, recipe, size }) => {
    const decoder = await projectDecoder(project)
    const inputs = await resolveInputs(project, recipe, decoder.latentDim, decoder.checkpoint)
    const frames = await renderRecipe(decoder, recipe, inputs, size ?? decoder.size)
    return rendered(decoder, frames)
  },
  'create.manifold': ({ project, recipe, k, percentile }) =>
    checkManifold(project, recipe, k, percentile),
  'create.attributes.list': ({ project }) => listAttributes(project),
  'create.attributes.compute': async ({ project, name, from, overwrite }) => {
    const decoder = await projectDecoder(project)
    return computeAttribute(project, name, from, decoder.checkpoint, overwrite)
  },
  'create.attributes.delete': async ({ project, name }) => ({
    deleted: await deleteAttribute(project, name),
  }),
  'create.favourites.list': ({ project }) => listFavourites(project),
  'create.favourites.add': async ({ project, name, source, note }) => {
    let z: number[]
    if (source.kind === 'code') z = source.z
    else {
      const decoder = await projectDecoder(project)
      const inputs = await resolveInputs(
        project,
        { kind: 'faces', sources: [source] },
        decoder.latentDim,
        decoder.checkpoint,
      )
      z = inputs.images[0].z
    }
    const label = source.kind === 'image' ? `image ${source.index}` : (source.label ?? 'a face')
    return addFavourite(project, {
      name: name ?? label,
      z,
      ...(note !== undefined ? { note } : {}),
    })
  },
  'create.favourites.remove': async ({ project, id }) => ({
    removed: await removeFavourite(project, id),
  }),
  'create.encode': ({ project, file, crop }) => encodeFile(project, file, crop),
  'create.export': async (params, ctx) => {
    // Load the model before the job starts, so a project without one fails the request itself.
    const decoder = await projectDecoder(params.project)
    const title = `Exporting ${params.recipe.kind} as ${params.format}`
    return ctx.jobs.start('export', { title, project: params.project }, async (job) => {
      const record = await writeExport(params, decoder, (fraction, message) =>
        job.progress(fraction, message),
      )
      await job.checkpoint()
      ctx.emit('create.exported', record)
      return record
    })
  },
  'create.exports.list': ({ project }) => listExports(project),
  'create.recipe.read': ({ file }) => readRecipe(file),
  'create.recipe.render': async ({ project, file, anyModel }) => {
    const document = await readRecipe(file)
    const checked = recipeSchema.safeParse(document.recipe)
    if (!checked.success) {
      throw new EngineError('failed', `The recipe in ${file} is not one this app can render.`)
    }
    const decoder = await projectDecoder(project)
    if (document.checkpoint !== decoder.checkpoint && !anyModel) {
      throw new EngineError(
        'conflict',
        `${file} was made with model ${document.checkpoint}, but the project's model is now ${decoder.checkpoint}; the faces would differ. Re-render anyway with anyModel.`,
      )
    }
    const { frames } = await renderDocument(decoder, { ...document, recipe: checked.data })
    return { document, ...rendered(decoder, frames) }
  },
  'demo.open': ({ dataDir }, ctx) => openDemo(dataDir ?? ctx.dataDir, ctx),
}

/** The reply for rendered frames: RGBA pixels plus what the UI needs to show and re-render them. */
function rendered(decoder: LatentDecoder, frames: RenderedFrames): Rendered {
  return {
    frames: frames.frames,
    columns: frames.columns,
    size: frames.size,
    pixels: rgbToRgba(frames.rgb),
    latents: frames.latents,
    latentDim: decoder.latentDim,
    checkpoint: decoder.checkpoint,
    decodeMs: frames.decodeMs,
  }
}
