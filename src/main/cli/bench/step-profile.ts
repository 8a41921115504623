import * as tf from '@tensorflow/tfjs-core'

/** One kernel's part of a training step, averaged over the profiled steps. */
export interface KernelTime {
  /** The kernel's name, with its input shapes in `byShape`. */
  name: string
  msPerStep: number
  /** Of the whole step (wall clock). */
  share: number
  callsPerStep: number
}

/** Where a training step's time goes: tf.profile over some steps. */
export interface StepProfile {
  steps: number
  msPerStep: number
  /** Per kernel name, slowest first. */
  kernels: KernelTime[]
  /** Per kernel name and input shapes (which layer), the slowest `BY_SHAPE` of them. */
  byShape: KernelTime[]
  /** The part of the step outside every kernel: the tape, gradient bookkeeping, other JS. */
  outsideKernels: { msPerStep: number; share: number }
}

const BY_SHAPE = 25

/**
 * Runs `step` `steps` times under tf.profile and sums each top-level kernel's wall time (the
 * project's kernels run their inner kernels outside the engine, so nothing is counted twice).
 */
export async function profileSteps(steps: number, step: () => Promise<void>): Promise<StepProfile> {
  const start = performance.now()
  const info = await tf.profile(async () => {
    for (let i = 0; i < steps; i++) await step()
  })
  const msPerStep = (performance.now() - start) / steps
  const byName = new Map<string, { ms: number; calls: number }>()
  const byShape = new Map<string, { ms: number; calls: number }>()
  let inKernels = 0
  for (const kernel of info.kernels) {
    const ms = typeof kernel.kernelTimeMs === 'number' ? kernel.kernelTimeMs : 0
    inKernels += ms
    const shapes = kernel.inputShapes.map((s) => `[${(s ?? []).join(',')}]`).join(' ')
    for (const [map, name] of [
      [byName, kernel.name],
      [byShape, `${kernel.name} ${shapes}`],
    ] as const) {
      const entry = map.get(name) ?? { ms: 0, calls: 0 }
      entry.ms += ms
      entry.calls += 1
      map.set(name, entry)
    }
  }
  const times = (map: Map<string, { ms: number; calls: number }>): KernelTime[] =>
    [...map]
      .map(([name, { ms, calls }]) => ({
        name,
        msPerStep: round(ms / steps, 2),
        share: round(ms / steps / msPerStep, 3),
        callsPerStep: round(calls / steps, 1),
      }))
      .sort((a, b) => b.msPerStep - a.msPerStep)
  const outside = msPerStep - inKernels / steps
  return {
    steps,
    msPerStep: round(msPerStep, 1),
    kernels: times(byName),
    byShape: times(byShape).slice(0, BY_SHAPE),
    outsideKernels: { msPerStep: round(outside, 1), share: round(outside / msPerStep, 3) },
  }
}

/** The profile as lines of text: each kernel's ms per step and share, then the slowest layers. */
export function formatStepProfile(p: StepProfile): string[] {
  const line = (k: KernelTime): string =>
    `  ${k.msPerStep.toFixed(2).padStart(8)} ms ${(k.share * 100).toFixed(1).padStart(5)}%  ${k.callsPerStep}x ${k.name}`
  return [
    `Profile of ${p.steps} steps: ${p.msPerStep} ms/step; outside kernels ${p.outsideKernels.msPerStep} ms (${(p.outsideKernels.share * 100).toFixed(1)}%)`,
    'Per kernel:',
    ...p.kernels.map(line),
    'Slowest kernels by input shapes:',
    ...p.byShape.map(line),
  ]
}

function round(value: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}
