import * as tf from '@tensorflow/tfjs-core'
import { afterAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../../src/main/engine/backend/select'
import type { ModelKindName } from '@shared/contract'
import { defaultConfig, DEFAULT_LOSS } from '../../../../../src/main/engine/model/config'
import { buildVae, disposeVae } from '../../../../../src/main/engine/model/vae'
import { stepLoss, trainableVariables } from '../../../../../src/main/engine/train/step'
import { startWebgpu } from './gpu'

/**
 * One training step's loss and gradients on the current backend, by variable in the model's
 * order (two builds name their layers apart, but keep the order).
 */
async function stepOn(
  kind: ModelKindName,
): Promise<{ loss: number; grads: Map<string, Float32Array> }> {
  const config = { ...defaultConfig(kind, 32), latent: 4, filters: 4 }
  const vae = buildVae(config, 7)
  try {
    const variables = trainableVariables(vae)
    const x = tf.tidy(() => tf.randomUniform([4, 32, 32, 3], 0, 1, 'float32', 3) as tf.Tensor4D)
    const options = { beta: 1, loss: DEFAULT_LOSS[kind], seed: 11 }
    const { value, grads } = tf.variableGrads(() => stepLoss(vae, x, options).loss, variables)
    const out = new Map<string, Float32Array>()
    for (const [i, v] of variables.entries()) {
      out.set(`${i}:${v.name.replace(/_\d+/g, '')}`, (await grads[v.name]!.data()) as Float32Array)
    }
    const loss = (await value.data())[0] as number
    tf.dispose([x, value, ...Object.values(grads)])
    return { loss, grads: out }
  } finally {
    disposeVae(vae)
  }
}

/**
 * Relative error of a gradient: the largest difference over the reference's largest magnitude.
 * A gradient whose true value is zero (a conv bias in front of batch norm) is compared by its
 * absolute error instead, against the step's largest gradient.
 */
function relativeError(got: Float32Array, want: Float32Array, scale: number): number {
  let diff = 0
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs((got[i] as number) - (want[i] as number)))
  }
  const size = largest(want)
  return diff / (size > 1e-6 * scale ? size : scale)
}

function largest(values: Float32Array): number {
  return values.reduce((m, v) => Math.max(m, Math.abs(v)), 0)
}

const unavailable = await startWebgpu()

describe.skipIf(unavailable !== null)(
  `a whole training step on webgpu against cpu${unavailable ? ` (skipped: ${unavailable})` : ''}`,
  () => {
    afterAll(async () => {
      await tf.setBackend('cpu')
    })

    for (const kind of ['default', 'benchmark'] as const) {
      it(`gives the ${kind} model's loss and every gradient within 1e-3 relative`, async () => {
        await selectBackend('cpu')
        const want = await stepOn(kind)
        await selectBackend('webgpu')
        const got = await stepOn(kind)
        expect(got.grads.size).toBe(want.grads.size)
        const scale = Math.max(...[...want.grads.values()].map(largest))
        let worst = { name: '', error: -1 }
        for (const [name, reference] of want.grads) {
          const error = relativeError(got.grads.get(name)!, reference, scale)
          // NaN fails too: it is never below the bound.
          if (!(error <= worst.error)) worst = { name, error }
        }
        console.log(
          `${kind}: loss ${got.loss} vs ${want.loss}; worst gradient ${worst.name} ${worst.error.toExponential(2)}`,
        )
        expect(Math.abs(got.loss - want.loss) / Math.abs(want.loss)).toBeLessThan(1e-3)
        expect(worst.error).toBeLessThan(1e-3)
      }, 120_000)
    }
  },
)
