import * as tf from '@tensorflow/tfjs-core'
import { selectBackend } from '../../../../../src/main/engine/backend/select'

/**
 * Starts the webgpu backend (forced: here it is a software adapter), or says why it cannot;
 * the webgpu tests skip with that reason only when no adapter can be created at all.
 */
export async function startWebgpu(): Promise<string | null> {
  try {
    await selectBackend('webgpu')
    return null
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  } finally {
    if (tf.getBackend() !== 'webgpu') await tf.setBackend('cpu')
  }
}
