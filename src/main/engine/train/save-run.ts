import type * as tf from '@tensorflow/tfjs-core'
import type { Vae } from '../model/vae'
import { updateManifest } from '../project/manifest'
import { writeCheckpoint, type TrainState } from './checkpoint'
import type { StepLosses } from './step'

/** Where a run stands when it saves: its checkpoint's state, and its latest mean losses. */
export type RunSnapshot = Omit<TrainState, 'format' | 'generation' | 'savedAt'> & {
  /** The model manifest shows them; null before any step is booked. */
  lastLosses: StepLosses | null
}

/**
 * Writes the run's checkpoint, publishes its weights as the project's model, and names that
 * model in the project's `atelier.json`.
 */
export async function saveRun(
  projectDir: string,
  vae: Vae,
  optimizer: tf.Optimizer,
  run: RunSnapshot,
): Promise<TrainState> {
  const { lastLosses, ...where } = run
  const { settings, datasetHash, backend, step, epoch } = where
  const state = await writeCheckpoint(projectDir, vae, optimizer, where, {
    format: 1,
    config: settings.config,
    loss: settings.loss,
    beta: settings.beta,
    epochsDone: epoch,
    steps: step,
    datasetHash,
    trainCount: settings.trainCount,
    holdout: settings.holdout,
    backend,
    seed: settings.seed,
    lastLosses: lastLosses
      ? { loss: lastLosses.loss, reconstruction: lastLosses.reconstruction, kl: lastLosses.kl }
      : null,
  })
  await updateManifest(projectDir, (manifest) => {
    manifest.model = {
      config: settings.config,
      loss: settings.loss,
      beta: settings.beta,
      epochsDone: epoch,
      epochs: settings.epochs,
      steps: step,
      generation: state.generation,
      savedAt: state.savedAt,
    }
  })
  return state
}
