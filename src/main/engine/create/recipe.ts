/**
 * From a recipe to latent codes. A recipe names its inputs (dataset images,
 * attribute vectors by name); `resolveInputs` fixes them to numbers, and
 * `recipeLatents` computes the frames from the recipe and those numbers alone.
 * Live previews and exports take the same path, and an export stores the
 * resolved inputs, so re-rendering it gives the same codes and so the same pixels.
 */
import type { LatentSource, Recipe, ResolvedInputs } from '@shared/contract'
import { EngineError } from '@shared/protocol'
import { applyVectors, keepOrthogonal, type AppliedVector } from './attribute'
import { pathFrames, pathPoint } from './interpolate'
import { sampleMixture } from './density'
import { sampleNear, samplePrior } from './random'

/** The latent codes of a recipe: frames x latentDim, with the grid they form. */
export interface RecipeLatents {
  latents: Float32Array
  frames: number
  columns: number
}

/** Dataset image indices a recipe reads. */
export function imagesOf(recipe: Recipe): number[] {
  const sources: LatentSource[] =
    recipe.kind === 'faces' || recipe.kind === 'sweep'
      ? recipe.sources
      : recipe.kind === 'morph'
        ? recipe.waypoints
        : recipe.kind === 'near'
          ? [recipe.source]
          : []
  return [...new Set(sources.flatMap((s) => (s.kind === 'image' ? [s.index] : [])))].sort(
    (a, b) => a - b,
  )
}

/** Attribute vector names a recipe reads. */
export function vectorsOf(recipe: Recipe): string[] {
  const names = (recipe.attributes ?? []).flatMap((a) => [a.name, ...(a.keep ?? [])])
  if (recipe.kind === 'sweep') names.unshift(recipe.attribute, ...(recipe.keep ?? []))
  return [...new Set(names)]
}

/** Computes a recipe's frames from the recipe and its resolved inputs (pure). */
export function recipeLatents(recipe: Recipe, inputs: ResolvedInputs): RecipeLatents {
  const dim = inputs.latentDim
  const codeOf = (source: LatentSource): Float32Array => {
    if (source.kind === 'code') {
      if (source.z.length !== dim) {
        throw new EngineError(
          'bad_request',
          `A latent code has ${source.z.length} numbers but this model's latent space has ${dim}; it was made with another model.`,
        )
      }
      return Float32Array.from(source.z)
    }
    const image = inputs.images.find((i) => i.index === source.index)
    if (!image) throw new Error(`recipe input for image ${source.index} is missing`)
    return Float32Array.from(image.z)
  }
  const stored = (name: string) => {
    const vector = inputs.vectors.find((v) => v.name === name)
    if (!vector) throw new Error(`recipe input for attribute '${name}' is missing`)
    return vector
  }
  const vectorOf = (name: string, keep: string[] = []) => {
    const vector = stored(name)
    const kept = keep.filter((k) => k !== name).map((k) => stored(k).v)
    return kept.length === 0 ? vector : { ...vector, v: keepOrthogonal(vector.v, kept) }
  }
  const applied = (recipe.attributes ?? []).map((use): AppliedVector => ({
    ...vectorOf(use.name, use.keep),
    alpha: use.alpha,
  }))

  let out: RecipeLatents
  switch (recipe.kind) {
    case 'faces': {
      const latents = stack(recipe.sources.map(codeOf), dim)
      out = { latents, frames: recipe.sources.length, columns: Math.min(8, recipe.sources.length) }
      break
    }
    case 'morph': {
      const waypoints = recipe.waypoints.map(codeOf)
      const easing = recipe.easing ?? 'linear'
      out =
        recipe.at !== undefined
          ? {
              latents: pathPoint(waypoints, recipe.at, recipe.interpolation, easing),
              frames: 1,
              columns: 1,
            }
          : {
              latents: pathFrames(waypoints, recipe.frames, recipe.interpolation, easing),
              frames: recipe.frames,
              columns: recipe.frames,
            }
      break
    }
    case 'sweep': {
      const vector = vectorOf(recipe.attribute, recipe.keep)
      const rows: Float32Array[] = []
      for (const source of recipe.sources) {
        const z = codeOf(source)
        for (const alpha of recipe.alphas) {
          rows.push(applyVectors(Float32Array.from(z), dim, [{ ...vector, alpha }]))
        }
      }
      out = { latents: stack(rows, dim), frames: rows.length, columns: recipe.alphas.length }
      break
    }
    case 'generate': {
      const temperature = recipe.temperature ?? 1
      if (recipe.density === 'fitted' && !inputs.density) {
        throw new Error('recipe input for the fitted density is missing')
      }
      out = {
        latents:
          recipe.density === 'fitted' && inputs.density
            ? sampleMixture(inputs.density, recipe.n, temperature, recipe.seed)
            : samplePrior(recipe.n, dim, temperature, recipe.seed),
        frames: recipe.n,
        columns: Math.ceil(Math.sqrt(recipe.n)),
      }
      break
    }
    case 'near':
      out = {
        latents: sampleNear(codeOf(recipe.source), recipe.n, recipe.spread ?? 0.5, recipe.seed),
        frames: recipe.n,
        columns: Math.ceil(Math.sqrt(recipe.n)),
      }
      break
  }
  applyVectors(out.latents, dim, applied)
  return out
}

function stack(rows: Float32Array[], dim: number): Float32Array {
  const out = new Float32Array(rows.length * dim)
  rows.forEach((row, i) => out.set(row, i * dim))
  return out
}
