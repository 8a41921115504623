import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { dirname, resolve } from 'node:path'
import { promisify } from 'node:util'
import * as tf from '@tensorflow/tfjs-core'
import { BENCHMARK_CONFIG, type ImageSize } from '../../engine/model/config'
import { buildVae, disposeVae } from '../../engine/model/vae'
import { trainableVariables, trainStep } from '../../engine/train/step'
import { Adam } from '../../engine/train/adam'
import { command, numberFlag, UsageError } from '../command'

const run = promisify(execFile)
const SCRIPT = 'torch_vae_bench.py'

interface TorchFigures {
  engine: string
  threads: number
  train_img_s: number
  infer_img_s: number
}

interface BenchTrainResult {
  model: 'benchmark'
  backend: string
  size: number
  batch: number
  latent: number
  steps: number
  /** The mean of the two timings, taken before and after the reference (so both see similar load). */
  imagesPerSecond: number
  msPerStep: number
  /** Each timing: before the reference ran, and after it. */
  runs: { imagesPerSecond: number; loadAverage1m: number }[]
  /** The PyTorch reference on this machine, in this run; null (with the reason) when it could not run. */
  torch: TorchFigures | null
  torchNote: string | null
  /** imagesPerSecond / torch.train_img_s. */
  ratio: number | null
  cpus: number
  loadAverage: number[]
}

export const benchTrain = command({
  name: 'bench train',
  summary:
    'Training speed of the benchmark model (random data) against the PyTorch reference, same run',
  usage:
    'atelier bench train [--backend wasm|cpu|tensorflow] [--steps N] [--batch 64] [--size 64] [--reference PATH | --no-reference] [--json]',
  options: {
    backend: { type: 'string' },
    steps: { type: 'string' },
    batch: { type: 'string' },
    size: { type: 'string' },
    reference: { type: 'string' },
    'no-reference': { type: 'boolean' },
  },
  run: async (inv): Promise<BenchTrainResult> => {
    const steps = numberFlag(inv.values, 'steps', 20, { min: 1, max: 10_000, integer: true })
    const batch = numberFlag(inv.values, 'batch', 64, { min: 1, max: 1024, integer: true })
    const size = numberFlag(inv.values, 'size', 64, { min: 32, max: 128, integer: true })
    if (![32, 64, 128].includes(size)) throw new UsageError('--size: use 32, 64 or 128.')
    // The figure every speed claim quotes is wasm's; other backends only when asked for.
    inv.values.backend ??= 'wasm'
    await inv.engine()
    const backend = tf.getBackend()
    inv.note(`Benchmark model ${size}x${size}, batch ${batch}, on ${backend}: ${steps} steps...`)

    const config = { ...BENCHMARK_CONFIG, size: size as ImageSize }
    const vae = buildVae(config, 0)
    const optimizer = new Adam(1e-3)
    const variables = trainableVariables(vae)
    const x = tf.randomUniform([batch, size, size, 3], 0, 1, 'float32', 1) as tf.Tensor4D
    const options = { beta: 1, loss: 'squared' as const, seed: 1 }
    const runs: BenchTrainResult['runs'] = []
    const time = (): void => {
      const start = performance.now()
      for (let i = 0; i < steps; i++) trainStep(vae, optimizer, x, options, variables)
      const ms = (performance.now() - start) / steps
      runs.push({
        imagesPerSecond: round((batch * 1000) / ms),
        loadAverage1m: round(loadavg()[0] ?? 0, 2),
      })
    }
    let torch: TorchFigures | null = null
    let torchNote: string | null = null
    try {
      for (let i = 0; i < 3; i++) trainStep(vae, optimizer, x, options, variables)
      time()
      if (inv.values['no-reference'] === true) {
        torchNote = 'skipped (--no-reference)'
      } else {
        const script = findReference(inv.values.reference)
        if (!script) {
          torchNote = `${SCRIPT} not found (looked in ../shared/reference/ from the repository and the working folder; give --reference PATH)`
        } else {
          inv.note(`PyTorch reference: ${script}...`)
          try {
            torch = await runReference(script, size, batch)
          } catch (error) {
            torchNote = `the reference did not run: ${(error as Error).message.split('\n')[0]}`
          }
        }
      }
      // Timed again after the reference: the machine is shared, and its load drifts within minutes.
      time()
    } finally {
      x.dispose()
      optimizer.dispose()
      disposeVae(vae)
    }
    const imagesPerSecond = runs.reduce((a, r) => a + r.imagesPerSecond, 0) / runs.length
    const ms = (batch * 1000) / imagesPerSecond
    return {
      model: 'benchmark',
      backend,
      size,
      batch,
      latent: config.latent,
      steps,
      imagesPerSecond: round(imagesPerSecond),
      msPerStep: round(ms),
      runs,
      torch,
      torchNote,
      ratio: torch ? round(imagesPerSecond / torch.train_img_s, 3) : null,
      cpus: cpus().length,
      loadAverage: loadavg().map((l) => round(l, 2)),
    }
  },
  format: (r) =>
    [
      `Benchmark model ${r.size}x${r.size}, batch ${r.batch}, on ${r.backend}: ${r.imagesPerSecond} img/s (${r.msPerStep} ms/step; before/after the reference: ${r.runs.map((t) => `${t.imagesPerSecond} at load ${t.loadAverage1m}`).join(', ')})`,
      r.torch
        ? `PyTorch (${r.torch.engine}, ${r.torch.threads} threads): ${r.torch.train_img_s} img/s; ratio ${r.ratio}x`
        : `PyTorch reference: ${r.torchNote}`,
      `Machine: ${r.cpus} CPUs, load average ${r.loadAverage.join(' ')}`,
    ].join('\n'),
})

function findReference(given: unknown): string | null {
  if (typeof given === 'string') {
    const path = resolve(given)
    if (!existsSync(path)) throw new UsageError(`--reference ${given}: no such file.`)
    return path
  }
  // The repository root is two folders above the CLI bundle (out/main/cli.js).
  const roots = [process.cwd(), resolve(dirname(__filename), '..', '..')]
  for (const root of roots) {
    const path = resolve(root, '..', 'shared', 'reference', SCRIPT)
    if (existsSync(path)) return path
  }
  return null
}

async function runReference(script: string, size: number, batch: number): Promise<TorchFigures> {
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3'
  const { stdout } = await run(
    python,
    [script, '--threads', '2', '--size', String(size), '--batch', String(batch)],
    { env: { ...process.env, OPENBLAS_NUM_THREADS: '1' }, timeout: 600_000 },
  )
  const line = stdout.trim().split('\n').at(-1) ?? ''
  return JSON.parse(line) as TorchFigures
}

function round(value: number, digits = 1): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}
