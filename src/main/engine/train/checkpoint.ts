import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import type { LossPoint, ReconstructionLossName } from '@shared/contract'
import { EngineError } from '@shared/protocol'
import type { ModelConfig } from '../model/config'
import {
  loadModelGeneration,
  newGeneration,
  publishModel,
  readModelManifest,
  removeOtherGenerations,
  writeModelFiles,
  type ModelManifest,
} from '../model/io'
import type { Vae } from '../model/vae'
import { writeFileAtomic, writeJsonAtomic } from '../project/atomic'
import { projectLayout } from '../project/layout'

export const CHECKPOINT_FORMAT = 1

/** Everything about a run that must stay the same for a checkpoint to be resumed. */
export interface TrainSettings {
  config: ModelConfig
  loss: ReconstructionLossName
  beta: number
  /** Epochs over which beta grows from 0 (KL warm-up); 0 turns it off. */
  warmupEpochs: number
  learningRate: number
  batch: number
  seed: number
  /** Epochs the model should have in all (a resumed run goes on to this many). */
  epochs: number
  trainCount: number
  holdout: number
}

/** `checkpoints/<generation>/state.json`: where a run stands. */
export interface TrainState {
  format: number
  /** Names the weights (under `model/`) and optimiser state (under `checkpoints/`). */
  generation: string
  settings: TrainSettings
  datasetHash: string
  backend: string
  /** Optimiser steps done in all. */
  step: number
  /** The epoch under way (0-based) and the steps of it done; stepInEpoch 0 means it has not begun. */
  epoch: number
  stepInEpoch: number
  /** Mean losses per epoch so far, and of the unfinished one's steps. */
  history: LossPoint[]
  savedAt: string
}

function files(projectDir: string) {
  const { checkpoints, model } = projectLayout(projectDir)
  return { checkpoints, model, latest: join(checkpoints, 'latest.json') }
}

/**
 * Writes a checkpoint and publishes its weights as the project's model. Order matters for a
 * kill at any moment: the new generation's files first, then the two pointers (model manifest,
 * then `checkpoints/latest.json`), and only then are older generations removed; both pointers
 * always name generations whose files are whole.
 */
export async function writeCheckpoint(
  projectDir: string,
  vae: Vae,
  optimizer: tf.Optimizer,
  state: Omit<TrainState, 'generation' | 'format' | 'savedAt'>,
  manifest: Omit<ModelManifest, 'generation' | 'savedAt'>,
): Promise<TrainState> {
  const f = files(projectDir)
  const generation = newGeneration(state.step)
  const savedAt = new Date().toISOString()
  await writeModelFiles(projectDir, generation, vae)
  const weights = await optimizer.getWeights()
  const encoded = await tf.io.encodeWeights(weights)
  const dir = join(f.checkpoints, generation)
  await writeFileAtomic(join(dir, 'optimizer.bin'), new Uint8Array(encoded.data))
  await writeJsonAtomic(join(dir, 'optimizer.json'), encoded.specs)
  const full: TrainState = { ...state, format: CHECKPOINT_FORMAT, generation, savedAt }
  await writeJsonAtomic(join(dir, 'state.json'), full)
  await publishModel(projectDir, { ...manifest, generation, savedAt })
  await writeJsonAtomic(f.latest, { generation })
  await removeOtherGenerations(f.model, [generation])
  await removeOtherGenerations(f.checkpoints, [generation])
  return full
}

/** The last checkpoint's state, or null when the project has none. */
export async function readCheckpointState(projectDir: string): Promise<TrainState | null> {
  const f = files(projectDir)
  let generation: string
  try {
    generation = (JSON.parse(await readFile(f.latest, 'utf8')) as { generation: string }).generation
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new EngineError(
      'failed',
      `${f.latest} is damaged (${(error as Error).message}); start training afresh (restart) to replace it.`,
    )
  }
  const path = join(f.checkpoints, generation, 'state.json')
  try {
    const state = JSON.parse(await readFile(path, 'utf8')) as TrainState
    if (state.format > CHECKPOINT_FORMAT)
      throw new Error(`format ${state.format} is newer than this app`)
    return state
  } catch (error) {
    throw new EngineError(
      'failed',
      `The checkpoint ${path} cannot be read (${(error as Error).message}); start training afresh (restart) to replace it.`,
    )
  }
}

/** Loads a checkpoint's weights and optimiser state (into `optimizer`, which must be fresh). */
export async function loadCheckpoint(
  projectDir: string,
  state: TrainState,
  optimizer: tf.Optimizer,
): Promise<Vae> {
  const vae = await loadModelGeneration(projectDir, state.generation, state.settings.config)
  const dir = join(files(projectDir).checkpoints, state.generation)
  try {
    const specs = JSON.parse(
      await readFile(join(dir, 'optimizer.json'), 'utf8'),
    ) as tf.io.WeightsManifestEntry[]
    const bytes = await readFile(join(dir, 'optimizer.bin'))
    const data = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
    const named = tf.io.decodeWeights(data, specs)
    const weights = Object.entries(named).map(([name, tensor]) => ({ name, tensor }))
    // setWeights keeps its own variables; the decoded tensors are ours to free.
    await optimizer.setWeights(weights)
    for (const { tensor } of weights) tensor.dispose()
  } catch (error) {
    vae.encoder.dispose()
    vae.decoder.dispose()
    throw new EngineError(
      'failed',
      `The optimiser state in ${dir} cannot be read (${(error as Error).message}); start training afresh (restart).`,
    )
  }
  return vae
}

/** The published model's manifest (re-exported for callers that only deal in checkpoints). */
export { readModelManifest }
