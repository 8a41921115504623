import { cpus, loadavg } from 'node:os'
import * as tf from '@tensorflow/tfjs-core'
import { command, numberFlag } from '../command'
import { readyProject } from '../commands/export'
import { startCompetingLoad } from './competing-load'
import { percentileOf, timeRuns } from './timing'

interface BenchScrubResult {
  project: string
  backend: string
  size: number
  latent: number
  runs: number
  /** Busy processes started beside the measurement (`--load N`). */
  competingProcesses: number
  /** One frame every this many ms, as a dragged slider asks (`--pace`); 0: back to back. */
  paceMs: number
  /** Whole request (resolve inputs, decode, to RGBA), and the decode alone. */
  requestP50Ms: number
  requestP95Ms: number
  decodeP50Ms: number
  decodeP95Ms: number
  cpus: number
  loadAverage: number[]
}

export const benchScrub = command({
  name: 'bench scrub',
  summary: 'Latency of one morph frame while scrubbing (the create.render request with `at`)',
  usage:
    'atelier bench scrub --project DIR [--runs 100] [--from A --to B] [--load N] [--pace MS] [--backend NAME] [--json]',
  options: {
    project: { type: 'string' },
    runs: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    load: { type: 'string' },
    pace: { type: 'string' },
    backend: { type: 'string' },
  },
  run: async (inv): Promise<BenchScrubResult> => {
    inv.values.backend ??= 'wasm'
    const runs = numberFlag(inv.values, 'runs', 100, { min: 1, max: 10_000, integer: true })
    const from = numberFlag(inv.values, 'from', 0, { min: 0, max: 1e8, integer: true })
    const to = numberFlag(inv.values, 'to', 1, { min: 0, max: 1e8, integer: true })
    const load = numberFlag(inv.values, 'load', 0, { min: 0, max: 64, integer: true })
    const paceMs = numberFlag(inv.values, 'pace', 0, { min: 0, max: 1000 })
    const { project, engine } = await readyProject(inv)
    const request = (t: number) =>
      engine.request('create.render', {
        project,
        recipe: {
          kind: 'morph',
          waypoints: [
            { kind: 'image', index: from },
            { kind: 'image', index: to },
          ],
          frames: 100,
          interpolation: 'slerp',
          at: t,
        },
      })
    const first = await request(0)
    const decode: number[] = []
    let frame = 0
    const competing = startCompetingLoad(load)
    let total: number[]
    try {
      total = await timeRuns(runs, paceMs, async () => {
        // Back and forth, as a hand on a slider does.
        const t = Math.abs(((frame++ / 25) % 2) - 1)
        decode.push((await request(t)).decodeMs)
      })
    } finally {
      competing.stop()
    }
    return {
      project,
      backend: tf.getBackend(),
      size: first.size,
      latent: first.latentDim,
      runs,
      competingProcesses: load,
      paceMs,
      requestP50Ms: percentileOf(total, 0.5),
      requestP95Ms: percentileOf(total, 0.95),
      decodeP50Ms: percentileOf(decode, 0.5),
      decodeP95Ms: percentileOf(decode, 0.95),
      cpus: cpus().length,
      loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
    }
  },
  format: (r) =>
    `Scrubbing a morph on ${r.backend} (${r.size}px, L=${r.latent}), ${r.runs} frames${r.paceMs ? `, one every ${r.paceMs} ms` : ' back to back'}${r.competingProcesses ? ` beside ${r.competingProcesses} busy processes` : ''}: request p50 ${r.requestP50Ms.toFixed(1)} ms, p95 ${r.requestP95Ms.toFixed(1)} ms; decode alone p50 ${r.decodeP50Ms.toFixed(1)} ms, p95 ${r.decodeP95Ms.toFixed(1)} ms (load ${r.loadAverage.join(' ')} on ${r.cpus} cores).`,
})
