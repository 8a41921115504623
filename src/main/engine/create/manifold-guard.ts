/**
 * The off-manifold guard: says when an edit or an alpha pushes a face far
 * from the faces the model was trained on (`map/manifold.ts` has the maths).
 * Only training codes count: the held-out faces are not what the decoder learned.
 */
import { MAX_GUARD_FRAMES, type ManifoldCheck, type Recipe } from '@shared/contract'
import { EngineError } from '@shared/protocol'
import { manifoldThreshold, nearestRows } from '../map/manifold'
import { readModelManifest } from '../model/io'
import { projectDecoder } from './decoder'
import { projectLatents, resolveInputs } from './inputs'
import { recipeLatents } from './recipe'

/** Thresholds per project, latents file, k and percentile: a sample of 1,000 k-NN searches each. */
const thresholds = new Map<string, number>()

/** How far each frame of `recipe` is from the training latents. */
export async function checkManifold(
  projectDir: string,
  recipe: Recipe,
  k: number,
  percentile: number,
): Promise<ManifoldCheck> {
  const decoder = await projectDecoder(projectDir)
  const inputs = await resolveInputs(projectDir, recipe, decoder.latentDim, decoder.checkpoint)
  const { latents: codes, frames } = recipeLatents(recipe, inputs)
  if (frames > MAX_GUARD_FRAMES) {
    throw new EngineError(
      'bad_request',
      `The guard measures at most ${MAX_GUARD_FRAMES} frames at a time; this recipe has ${frames}.`,
    )
  }
  const latents = await projectLatents(projectDir)
  const dim = latents.dim
  const trained = Math.min(
    latents.count,
    (await readModelManifest(projectDir))?.trainCount ?? latents.count,
  )
  const training = latents.mu.subarray(0, trained * dim)
  const key = `${projectDir}\0${latents.fileHash}\0${k}\0${percentile}`
  let threshold = thresholds.get(key)
  if (threshold === undefined) {
    threshold = manifoldThreshold(training, trained, dim, { k, q: percentile / 100 })
    thresholds.set(key, threshold)
  }
  const limit = threshold
  return {
    k,
    percentile,
    threshold,
    frames: Array.from({ length: frames }, (_, f) => {
      const { indices, distances } = nearestRows(
        training,
        trained,
        dim,
        codes.subarray(f * dim, (f + 1) * dim),
        k,
      )
      const distance = distances.reduce((s, d) => s + d, 0) / (distances.length || 1)
      return { distance, nearest: indices[0] ?? -1, far: distance > limit }
    }),
  }
}
