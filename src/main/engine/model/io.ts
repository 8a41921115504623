import { randomBytes } from 'node:crypto'
import { readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import type { ModelSummary } from '@shared/contract'
import { EngineError } from '@shared/protocol'
import { writeFileAtomic, writeJsonAtomic } from '../project/atomic'
import { projectLayout } from '../project/layout'
import type { ReconstructionLossName } from '@shared/contract'
import type { ModelConfig } from './config'
import { checkConfig, type Vae } from './vae'
import { readTextIfExists } from '../project/read'
import { GENERATION } from '../project/files-check'

export const MODEL_FORMAT = 1

/** `model/manifest.json`: what the project's trained model is. Written last, so it always names a whole generation. */
/** `model/manifest.json`: the contract's ModelSummary, with the engine's narrower config types. */
export interface ModelManifest extends Omit<ModelSummary, 'config' | 'loss'> {
  format: number
  config: ModelConfig
  loss: ReconstructionLossName
}

/**
 * Saves a layers model as `model.json` + `weights.bin` in `dir` (the TF.js layers format, so
 * `tf.loadLayersModel` elsewhere can read it), each file written atomically.
 */
export async function saveLayersModel(model: tfl.LayersModel, dir: string): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = tf.io.CompositeArrayBuffer.join(artifacts.weightData)
      await writeFileAtomic(join(dir, 'weights.bin'), new Uint8Array(weightData))
      await writeJsonAtomic(join(dir, 'model.json'), {
        format: 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      })
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) }
    }),
  )
}

/** Loads a model saved by `saveLayersModel` (or any single-shard layers model). */
export async function loadLayersModel(dir: string): Promise<tfl.LayersModel> {
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as {
    modelTopology: tf.io.ModelArtifacts['modelTopology']
    weightsManifest: tf.io.WeightsManifestConfig
  }
  const weightSpecs = json.weightsManifest.flatMap((group) => group.weights)
  const shards = await Promise.all(
    json.weightsManifest.flatMap((group) => group.paths).map((p) => readFile(join(dir, p))),
  )
  const bytes = Buffer.concat(shards)
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
  return tfl.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }),
  )
}

/** A new generation name: sortable by step, unique across restarts. */
export function newGeneration(step: number): string {
  return `g${String(step).padStart(9, '0')}-${randomBytes(3).toString('hex')}`
}

/** Writes the encoder and decoder of a generation under `model/<generation>/` (not yet current). */
export async function writeModelFiles(
  projectDir: string,
  generation: string,
  vae: Vae,
): Promise<void> {
  const dir = join(projectLayout(projectDir).model, generation)
  await saveLayersModel(vae.encoder, join(dir, 'encoder'))
  await saveLayersModel(vae.decoder, join(dir, 'decoder'))
}

/** Makes a written generation the project's model: one atomic write of `model/manifest.json`. */
export async function publishModel(projectDir: string, manifest: ModelManifest): Promise<void> {
  await writeJsonAtomic(modelManifestPath(projectDir), manifest)
}

/** Where the project's model manifest lies. */
export function modelManifestPath(projectDir: string): string {
  return join(projectLayout(projectDir).model, 'manifest.json')
}

/** The project's model manifest, or null when it has no trained model yet. */
export async function readModelManifest(projectDir: string): Promise<ModelManifest | null> {
  const path = modelManifestPath(projectDir)
  const text = await readTextIfExists(path)
  if (text === null) return null
  try {
    const manifest = JSON.parse(text) as ModelManifest
    if (manifest.format > MODEL_FORMAT) {
      throw new EngineError(
        'failed',
        `${path} was written by a newer Latent Atelier (format ${manifest.format}); update the app to use this model.`,
      )
    }
    checkConfig(manifest.config)
    return manifest
  } catch (error) {
    if (error instanceof EngineError) throw error
    throw new EngineError(
      'failed',
      `${path} is damaged (${(error as Error).message}); train the model again (atelier train --project ${projectDir}).`,
    )
  }
}

/** Loads the encoder and decoder of one generation. */
export async function loadModelGeneration(
  projectDir: string,
  generation: string,
  config: ModelConfig,
): Promise<Vae> {
  const dir = join(projectLayout(projectDir).model, generation)
  try {
    const encoder = await loadLayersModel(join(dir, 'encoder'))
    const decoder = await loadLayersModel(join(dir, 'decoder'))
    return { config, encoder, decoder }
  } catch (error) {
    throw new EngineError(
      'failed',
      `The model in ${dir} cannot be loaded (${(error as Error).message}); train the model again (atelier train --project ${projectDir}).`,
    )
  }
}

/** The project's trained model, with its manifest. */
export async function readModel(
  projectDir: string,
): Promise<{ vae: Vae; manifest: ModelManifest }> {
  const manifest = await readModelManifest(projectDir)
  if (!manifest) {
    throw new EngineError(
      'not_found',
      `The project ${projectDir} has no trained model yet: train one first (atelier train --project ${projectDir}).`,
    )
  }
  const vae = await loadModelGeneration(projectDir, manifest.generation, manifest.config)
  return { vae, manifest }
}

/** Removes generation folders under `dir` except those named in `keep`. */
export async function removeOtherGenerations(dir: string, keep: string[]): Promise<void> {
  let entries: string[]
  try {
    entries = await readdir(dir)
  } catch {
    return
  }
  await Promise.all(
    entries
      .filter((name) => GENERATION.test(name) && !keep.includes(name))
      .map((name) => rm(join(dir, name), { recursive: true, force: true })),
  )
}
