import { readModel, readModelManifest } from '../model/io'
import type { ModelSource } from './map-service'

/**
 * The project's trained model as the training feature publishes it: each save
 * is a new generation under model/, so the generation's name is the
 * checkpoint hash that latents are keyed by.
 */
export const projectModel: ModelSource = {
  hash: async (projectDir) => (await readModelManifest(projectDir))?.generation ?? null,
  load: async (projectDir) => {
    const { vae, manifest } = await readModel(projectDir)
    return { vae, hash: manifest.generation }
  },
}
