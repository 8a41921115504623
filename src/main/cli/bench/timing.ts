/** Timing helpers of the latency benchmarks: paced runs, percentiles, a plain loop to compare. */

/** The value below which a share `q` (0..1) of `times` lies (nearest rank; `times` is not changed). */
export function percentileOf(times: readonly number[], q: number): number {
  const sorted = [...times].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN
}

/**
 * Runs `work` `runs` times, one every `paceMs` (0: each as soon as the last is done), and returns
 * each run's milliseconds. A paced run is timed from when it was due, so a timer that wakes this
 * thread late (a busy machine) counts, as a slider's message arriving at a busy engine does.
 */
export async function timeRuns(
  runs: number,
  paceMs: number,
  work: () => Promise<unknown>,
): Promise<number[]> {
  const times: number[] = []
  let due = performance.now()
  for (let i = 0; i < runs; i++) {
    due = Math.max(due + paceMs, performance.now())
    let start = due
    if (paceMs > 0) {
      await new Promise((wake) => setTimeout(wake, due - performance.now()))
      // The timer may fire a little early: its clock is the event loop's, read before the last run.
      start = Math.min(due, performance.now())
    }
    await work()
    times.push(performance.now() - start)
  }
  return times
}

/**
 * A loop of plain arithmetic that takes about `ms` on this thread as the machine is now: timed
 * beside a load, it shows what the scheduler alone does to work that long.
 */
export function plainLoop(ms: number): { ms: number; run(): void } {
  let sink = 0
  const spin = (iterations: number) => {
    let x = sink
    for (let i = 0; i < iterations; i++) x = (x * 1.000001 + i) % 1e9
    sink = x
  }
  // Calibrated on a short run, after one to warm up the JIT.
  const probe = 200_000
  spin(probe)
  const began = performance.now()
  spin(probe)
  const perIteration = Math.max(1e-9, (performance.now() - began) / probe)
  const iterations = Math.max(1, Math.round(ms / perIteration))
  return { ms, run: () => spin(iterations) }
}
