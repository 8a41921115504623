import type { EngineClient } from '@shared/client'
import {
  DATASET_SIZES,
  MODEL_KINDS,
  RECONSTRUCTION_LOSSES,
  type ImageSize,
  type Job,
  type ParamsOf,
  type TrainSummary,
} from '@shared/contract'
import { formatEta } from '@shared/eta'
import { Throttle } from '@shared/pace'
import { command, numberFlag, UsageError, type Invocation } from '../command'
import { runJob } from '../follow'
import { projectFlag } from './encode'

interface TrainResult {
  project: string
  jobId: string
  state: Job['state']
  /** Empty when the training was cancelled before it could sum up. */
  result: Partial<TrainSummary>
}

export const train = command({
  name: 'train',
  summary: "Train (or resume training) the project's VAE; Ctrl-C stops with a checkpoint",
  usage:
    'atelier train --project DIR [--demo N] [--model default|benchmark] [--size 32|64|128] [--latent L] [--filters F] [--epochs E] [--batch B] [--beta b] [--warmup EPOCHS] [--lr RATE] [--loss bce|squared|sigma] [--seed S] [--holdout N] [--minutes M] [--checkpoint-minutes M] [--restart] [--backend wasm|cpu|tensorflow] [--json]',
  options: {
    project: { type: 'string' },
    demo: { type: 'string' },
    model: { type: 'string' },
    size: { type: 'string' },
    latent: { type: 'string' },
    filters: { type: 'string' },
    epochs: { type: 'string' },
    batch: { type: 'string' },
    beta: { type: 'string' },
    warmup: { type: 'string' },
    lr: { type: 'string' },
    loss: { type: 'string' },
    seed: { type: 'string' },
    holdout: { type: 'string' },
    minutes: { type: 'string' },
    'checkpoint-minutes': { type: 'string' },
    restart: { type: 'boolean' },
    backend: { type: 'string' },
  },
  run: async (inv): Promise<TrainResult> => {
    const project = projectFlag(inv.values)
    const v = inv.values
    const optional = (name: string, range: Parameters<typeof numberFlag>[3]) =>
      v[name] === undefined ? undefined : numberFlag(v, name, 0, range)
    const model = v.model === undefined ? undefined : String(v.model)
    if (model !== undefined && !(MODEL_KINDS as readonly string[]).includes(model)) {
      throw new UsageError(`--model ${model}: use one of ${MODEL_KINDS.join(', ')}.`)
    }
    const loss = v.loss === undefined ? undefined : String(v.loss)
    if (loss !== undefined && !(RECONSTRUCTION_LOSSES as readonly string[]).includes(loss)) {
      throw new UsageError(`--loss ${loss}: use one of ${RECONSTRUCTION_LOSSES.join(', ')}.`)
    }
    const size = optional('size', { min: 32, max: 128, integer: true })
    if (size !== undefined && !(DATASET_SIZES as readonly number[]).includes(size)) {
      throw new UsageError(`--size ${size}: the model sizes are ${DATASET_SIZES.join(', ')}.`)
    }
    const params = {
      project,
      model: model as (typeof MODEL_KINDS)[number] | undefined,
      size: size as ImageSize | undefined,
      latent: optional('latent', { min: 2, max: 512, integer: true }),
      filters: optional('filters', { min: 4, max: 128, integer: true }),
      epochs: numberFlag(v, 'epochs', 10, { min: 1, max: 10_000, integer: true }),
      batch: optional('batch', { min: 1, max: 1024, integer: true }),
      beta: optional('beta', { min: 0, max: 1000 }),
      warmupEpochs: optional('warmup', { min: 0, max: 1000, integer: true }),
      learningRate: optional('lr', { min: 1e-7, max: 1 }),
      loss: loss as (typeof RECONSTRUCTION_LOSSES)[number] | undefined,
      seed: optional('seed', { min: 0, max: 2 ** 31 - 1, integer: true }),
      holdout: optional('holdout', { min: 0, max: 10_000_000, integer: true }),
      minutes: optional('minutes', { min: 0.05, max: 100_000 }),
      checkpointMinutes: numberFlag(v, 'checkpoint-minutes', 2, { min: 0.05, max: 60 }),
      restart: v.restart === true,
    }
    const engine = await inv.engine()
    if (v.demo !== undefined) {
      const count = numberFlag(v, 'demo', 2000, { min: 1, max: 250_000, integer: true })
      inv.note(`Making ${count} demo faces...`)
      const source = { kind: 'demo', count, seed: 1 } as const
      await runJob(engine, 'dataset.ingest', { project, size: params.size ?? 64, source }, () => {})
    }
    return followTraining(engine, params, project, inv)
  },
  format: (r) => {
    const s = r.result
    const head =
      r.state === 'done'
        ? s.stoppedByBudget
          ? 'Stopped at the time budget'
          : 'Trained'
        : 'Stopped (cancelled)'
    return [
      `${head}: ${s.epochsDone ?? '?'} epochs, ${s.steps ?? '?'} steps in ${Math.round(s.seconds ?? 0)} s on ${s.backend ?? '?'} (${(s.imagesPerSecond ?? 0).toFixed(1)} img/s).`,
      s.loss != null
        ? `Last epoch: loss ${s.loss.toFixed(2)} = reconstruction ${s.reconstruction?.toFixed(2)} + beta x KL ${s.kl?.toFixed(2)} per image.`
        : '',
      `Model saved in ${r.project}/model; run \`atelier train --project ${r.project} --epochs N\` to train further.`,
    ]
      .filter(Boolean)
      .join('\n')
  },
})

/** Prints progress every few seconds; Ctrl-C cancels the job, which saves a checkpoint first. */
async function followTraining(
  engine: EngineClient,
  params: ParamsOf<'train.start'>,
  project: string,
  inv: Invocation,
): Promise<TrainResult> {
  const run = engine.run('train.start', params)
  const job = await run.job
  inv.note(job.title)
  const notes = new Throttle(5000)
  const stop = engine.on('train.progress', (p) => {
    if (p.jobId !== job.id || !notes.pass(p.step === p.steps)) return
    inv.note(
      `epoch ${p.epoch + 1}/${p.epochs} step ${p.step}/${p.steps}: loss ${p.loss.toFixed(1)} (reconstruction ${p.reconstruction.toFixed(1)}, KL ${p.kl.toFixed(1)}), ${p.imagesPerSecond.toFixed(1)} img/s, ETA ${formatEta(p.etaSeconds)}`,
    )
  })
  const onSigint = () => {
    inv.note('Stopping: saving a checkpoint (start again to resume)...')
    void engine.request('jobs.cancel', { id: job.id })
  }
  process.once('SIGINT', onSigint)
  try {
    const done = await run.done
    if (done.state === 'failed') throw new Error(done.error ?? 'training failed')
    return { project, jobId: job.id, state: done.state, result: done.result ?? {} }
  } finally {
    process.off('SIGINT', onSigint)
    stop()
  }
}
