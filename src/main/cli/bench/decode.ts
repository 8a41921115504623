import { mkdtemp, rm } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { BENCHMARK_CONFIG } from '../../engine/model/config'
import { newGeneration, publishModel, writeModelFiles } from '../../engine/model/io'
import { buildVae, disposeVae } from '../../engine/model/vae'
import { mulberry32 } from '../../engine/random'
import { command, numberFlag } from '../command'
import { projectFlag } from '../commands/encode'
import { backendNote } from './backend'
import { startCompetingLoad } from './competing-load'
import { formatStepProfile, profileSteps, type StepProfile } from './step-profile'
import { percentileOf, plainLoop, timeRuns } from './timing'

interface BenchDecodeResult {
  backend: string
  /** How the backend runs: on webgpu, the adapter's name. */
  backendNote: string
  /** 'benchmark (untrained)' or the project's model. */
  model: string
  size: number
  latent: number
  runs: number
  /** Busy processes started beside the measurement (`--load N`). */
  competingProcesses: number
  /** One request every this many ms, as a slider sends them (`--pace`); 0: back to back. */
  paceMs: number
  p50Ms: number
  /** p75 and p90: where a crowded machine's decodes split into those run through and those paused. */
  p75Ms: number
  p90Ms: number
  p95Ms: number
  /** The slowest 1%: on a crowded machine, decodes the scheduler paused part way through. */
  p99Ms: number
  meanMs: number
  /** CPU time of this process (all its threads) per decode: less disturbed by other load than the latency. */
  cpuMsPerDecode: number
  /** Images decoded per second, one at a time (1000 / mean latency). */
  imagesPerSecond: number
  cpus: number
  /** The 1-minute load average when the runs began and when they ended, and the 1/5/15 figures at the end. */
  loadAtStart: number
  loadAverage: number[]
  /**
   * With --load: a plain loop as long as one decode on the machine before the load began, timed
   * the same way beside the load; what the scheduler alone does to work that long.
   */
  plainLoop?: { ms: number; p50Ms: number; p95Ms: number }
  /** With --profile: where one decode's time goes, per kernel (after the timings). */
  profile?: StepProfile
}

export const benchDecode = command({
  name: 'bench decode',
  summary: 'Latency of decoding one image through the model.decode request: p50 to p99',
  usage:
    'atelier bench decode [--project DIR] [--runs 200] [--load N] [--pace MS] [--backend wasm|cpu|tensorflow|webgpu] [--profile] [--json]',
  options: {
    project: { type: 'string' },
    load: { type: 'string' },
    runs: { type: 'string' },
    pace: { type: 'string' },
    backend: { type: 'string' },
    profile: { type: 'boolean' },
  },
  run: async (inv): Promise<BenchDecodeResult> => {
    const runs = numberFlag(inv.values, 'runs', 200, { min: 1, max: 100_000, integer: true })
    const load = numberFlag(inv.values, 'load', 0, { min: 0, max: 64, integer: true })
    const paceMs = numberFlag(inv.values, 'pace', 0, { min: 0, max: 1000 })
    inv.values.backend ??= 'wasm'
    const engine = await inv.engine()
    const backend = tf.getBackend()
    let project: string
    let temp: string | null = null
    let model = 'benchmark (untrained, 64x64, L=32)'
    if (inv.values.project !== undefined) {
      project = projectFlag(inv.values)
      model = 'the project model'
    } else {
      temp = project = await publishBenchmarkModel(backend)
    }
    try {
      const status = await engine.request('train.status', { project })
      const latent = status.model?.config.latent ?? 32
      const random = mulberry32(1)
      const latents = () => new Float32Array(latent).map(() => random() * 2 - 1)
      const decodeOne = async () => {
        await engine.request('model.decode', { project, latents: latents() })
      }
      const size = (await engine.request('model.decode', { project, latents: latents() })).size
      // Warm-up, then decodes with the machine as it is: their median sizes the plain loop below.
      await timeRuns(30, 0, decodeOne)
      const idle = await timeRuns(20, 0, decodeOne)
      const loop = plainLoop(percentileOf(idle, 0.5))
      const competing = startCompetingLoad(load)
      let times: number[]
      let floor: number[] | null = null
      let loadAtStart: number
      let cpuMs: number
      let profile: StepProfile | undefined
      try {
        inv.note(
          `Decoding one image ${runs} times on ${backend}${load ? ` beside ${load} busy processes` : ''}${paceMs ? `, one every ${paceMs} ms` : ''}...`,
        )
        loadAtStart = loadavg()[0]
        const cpuBefore = process.cpuUsage()
        times = await timeRuns(runs, paceMs, decodeOne)
        const cpu = process.cpuUsage(cpuBefore)
        cpuMs = (cpu.user + cpu.system) / 1000 / runs
        if (load > 0) floor = await timeRuns(runs, paceMs, async () => loop.run())
        if (inv.values.profile === true) profile = await profileSteps(runs, decodeOne)
      } finally {
        competing.stop()
      }
      const at = (q: number) => round(percentileOf(times, q))
      const meanMs = times.reduce((a, b) => a + b, 0) / times.length
      return {
        backend,
        backendNote: await backendNote(engine, backend),
        model,
        size,
        latent,
        runs,
        competingProcesses: load,
        paceMs,
        p50Ms: at(0.5),
        p75Ms: at(0.75),
        p90Ms: at(0.9),
        p95Ms: at(0.95),
        p99Ms: at(0.99),
        meanMs: round(meanMs),
        cpuMsPerDecode: round(cpuMs),
        imagesPerSecond: round(1000 / meanMs),
        cpus: cpus().length,
        loadAtStart: round(loadAtStart),
        loadAverage: loadavg().map((l) => round(l)),
        ...(floor && {
          plainLoop: {
            ms: round(loop.ms),
            p50Ms: round(percentileOf(floor, 0.5)),
            p95Ms: round(percentileOf(floor, 0.95)),
          },
        }),
        ...(profile && { profile }),
      }
    } finally {
      if (temp) await rm(temp, { recursive: true, force: true })
    }
  },
  format: (r) =>
    [
      `Decoding one ${r.size}x${r.size} image (${r.model}) on ${r.backend} (${r.backendNote}), ${r.runs} runs${r.paceMs ? `, one every ${r.paceMs} ms` : ' back to back'}: p50 ${r.p50Ms} ms, p75 ${r.p75Ms} ms, p90 ${r.p90Ms} ms, p95 ${r.p95Ms} ms, p99 ${r.p99Ms} ms (mean ${r.meanMs} ms, ${r.imagesPerSecond} img/s; ${r.cpuMsPerDecode} ms CPU each)`,
      `Machine: ${r.cpus} CPUs, ${r.competingProcesses} busy processes beside it (--load), load average ${r.loadAtStart} at the start, ${r.loadAverage.join(' ')} at the end`,
      ...(r.plainLoop
        ? [
            `A plain loop of ${r.plainLoop.ms} ms (one decode before the load began), timed the same way beside the load: p50 ${r.plainLoop.p50Ms} ms, p95 ${r.plainLoop.p95Ms} ms`,
          ]
        : []),
      ...(r.profile ? formatStepProfile(r.profile) : []),
    ].join('\n'),
})

/**
 * A temp project holding the untrained benchmark model: it costs what a trained one does to decode.
 */
async function publishBenchmarkModel(backend: string): Promise<string> {
  const project = await mkdtemp(join(tmpdir(), 'atelier-bench-decode-'))
  const vae = buildVae(BENCHMARK_CONFIG, 0)
  const generation = newGeneration(0)
  await writeModelFiles(project, generation, vae)
  disposeVae(vae)
  await publishModel(project, {
    format: 1,
    generation,
    config: BENCHMARK_CONFIG,
    loss: 'squared',
    beta: 1,
    epochsDone: 0,
    steps: 0,
    datasetHash: '',
    trainCount: 0,
    holdout: 0,
    backend,
    seed: 0,
    savedAt: new Date().toISOString(),
    lastLosses: null,
  })
  return project
}

function round(value: number): number {
  return Math.round(value * 100) / 100
}
