import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { dirname, resolve } from 'node:path'
import { promisify } from 'node:util'
import * as tf from '@tensorflow/tfjs-core'
import { DATASET_SIZES, type ImageSize } from '@shared/contract'
import { BENCHMARK_CONFIG } from '../../engine/model/config'
import { buildVae, disposeVae } from '../../engine/model/vae'
import { LaggedLosses, lossLag } from '../../engine/train/lagged-losses'
import { trainableVariables, trainStepTerms } from '../../engine/train/step'
import { Adam } from '../../engine/train/adam'
import { command, numberFlag, UsageError } from '../command'
import { backendNote } from './backend'
import { formatStepProfile, profileSteps, type StepProfile } from './step-profile'

const run = promisify(execFile)
const SCRIPT = 'torch_vae_bench.py'

interface TorchFigures {
  engine: string
  /** Where torch ran: 'cuda' beside a GPU backend when torch has CUDA, else 'cpu'. */
  device: 'cpu' | 'cuda'
  threads: number
  train_img_s: number
  infer_img_s: number
}

interface BenchTrainResult {
  model: 'benchmark'
  backend: string
  /** How the backend runs: on webgpu, the adapter's name. */
  backendNote: string
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
  /** With --profile: where a step's time goes, per kernel (after the timings). */
  profile?: StepProfile
  cpus: number
  loadAverage: number[]
}

export const benchTrain = command({
  name: 'bench train',
  summary:
    'Training speed of the benchmark model (random data) against the PyTorch reference, same run',
  usage:
    'atelier bench train [--backend wasm|cpu|tensorflow|webgpu] [--steps N] [--batch 64] [--size 64] [--reference PATH | --no-reference] [--profile] [--json]',
  options: {
    backend: { type: 'string' },
    steps: { type: 'string' },
    batch: { type: 'string' },
    size: { type: 'string' },
    reference: { type: 'string' },
    'no-reference': { type: 'boolean' },
    profile: { type: 'boolean' },
  },
  run: async (inv): Promise<BenchTrainResult> => {
    const steps = numberFlag(inv.values, 'steps', 20, { min: 1, max: 10_000, integer: true })
    const batch = numberFlag(inv.values, 'batch', 64, { min: 1, max: 1024, integer: true })
    const size = numberFlag(inv.values, 'size', 64, { min: 32, max: 128, integer: true })
    if (!(DATASET_SIZES as readonly number[]).includes(size)) {
      throw new UsageError(`--size: use one of ${DATASET_SIZES.join(', ')}.`)
    }
    // The figure every speed claim quotes is wasm's; other backends only when asked for.
    inv.values.backend ??= 'wasm'
    const engine = await inv.engine()
    const backend = tf.getBackend()
    const note = await backendNote(engine, backend)
    inv.note(
      `Benchmark model ${size}x${size}, batch ${batch}, on ${backend} (${note}): ${steps} steps...`,
    )

    const config = { ...BENCHMARK_CONFIG, size: size as ImageSize }
    const vae = buildVae(config, 0)
    const optimizer = new Adam(1e-3)
    const variables = trainableVariables(vae)
    const x = tf.randomUniform([batch, size, size, 3], 0, 1, 'float32', 1) as tf.Tensor4D
    const options = { beta: 1, loss: 'squared' as const, seed: 1 }
    const runs: BenchTrainResult['runs'] = []
    // As the trainer does: each step's losses read asynchronously, a few steps behind on a GPU.
    const train = async (n: number): Promise<void> => {
      const losses = new LaggedLosses<number>(lossLag(backend))
      try {
        for (let i = 0; i < n; i++)
          await losses.push(trainStepTerms(vae, optimizer, x, options, variables), i)
        await losses.drain()
      } finally {
        losses.dispose()
      }
    }
    const time = async (): Promise<void> => {
      const start = performance.now()
      await train(steps)
      const ms = (performance.now() - start) / steps
      runs.push({
        imagesPerSecond: round((batch * 1000) / ms),
        loadAverage1m: round(loadavg()[0] ?? 0, 2),
      })
    }
    let torch: TorchFigures | null = null
    let torchNote: string | null = null
    let profile: StepProfile | undefined
    try {
      await train(3)
      await time()
      if (inv.values['no-reference'] === true) {
        torchNote = 'skipped (--no-reference)'
      } else {
        const script = findReference(inv.values.reference)
        if (!script) {
          torchNote = `${SCRIPT} not found (looked in ../shared/reference/ from the repository and the working folder; give --reference PATH)`
        } else {
          inv.note(`PyTorch reference: ${script}...`)
          try {
            torch = await runReference(script, size, batch, await torchDevice(backend))
          } catch (error) {
            torchNote = `the reference did not run: ${(error as Error).message.split('\n')[0]}`
          }
        }
      }
      // Timed again after the reference: the machine is shared, and its load drifts within minutes.
      await time()
      if (inv.values.profile === true) profile = await profileSteps(steps, () => train(1))
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
      backendNote: note,
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
      ...(profile && { profile }),
      cpus: cpus().length,
      loadAverage: loadavg().map((l) => round(l, 2)),
    }
  },
  format: (r) =>
    [
      `Benchmark model ${r.size}x${r.size}, batch ${r.batch}, on ${r.backend} (${r.backendNote}): ${r.imagesPerSecond} img/s (${r.msPerStep} ms/step; before/after the reference: ${r.runs.map((t) => `${t.imagesPerSecond} at load ${t.loadAverage1m}`).join(', ')})`,
      r.torch
        ? `PyTorch (${r.torch.engine} on ${r.torch.device === 'cuda' ? 'CUDA' : `the CPU, ${r.torch.threads} threads`}): ${r.torch.train_img_s} img/s; ratio ${r.ratio}x`
        : `PyTorch reference: ${r.torchNote}`,
      `Machine: ${r.cpus} CPUs, load average ${r.loadAverage.join(' ')}`,
      ...(r.profile ? formatStepProfile(r.profile) : []),
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

const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3'

/**
 * The reference runs where the backend does: beside a GPU backend, on CUDA when this python's
 * torch has it (the same device, for a fair ratio); otherwise on the CPU.
 */
async function torchDevice(backend: string): Promise<'cpu' | 'cuda'> {
  if (backend !== 'webgpu' && backend !== 'tensorflow-gpu') return 'cpu'
  try {
    const { stdout } = await run(PYTHON, ['-c', 'import torch; print(torch.cuda.is_available())'], {
      timeout: 120_000,
    })
    return stdout.trim() === 'True' ? 'cuda' : 'cpu'
  } catch {
    return 'cpu'
  }
}

/**
 * Runs the reference script; on CUDA, with torch's default device set to it first, so its
 * network and data live on the GPU (each step's `loss.item()` waits for the GPU, so steps are timed whole).
 */
async function runReference(
  script: string,
  size: number,
  batch: number,
  device: 'cpu' | 'cuda',
): Promise<TorchFigures> {
  const flags = ['--threads', '2', '--size', String(size), '--batch', String(batch)]
  const args =
    device === 'cuda'
      ? [
          '-c',
          "import runpy, sys, torch; torch.set_default_device('cuda'); sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')",
          script,
          ...flags,
        ]
      : [script, ...flags]
  const { stdout } = await run(PYTHON, args, {
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1' },
    timeout: 600_000,
  })
  const line = stdout.trim().split('\n').at(-1) ?? ''
  return { ...(JSON.parse(line) as Omit<TorchFigures, 'device'>), device }
}

function round(value: number, digits = 1): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}
