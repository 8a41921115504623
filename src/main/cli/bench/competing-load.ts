import { spawn, type ChildProcess } from 'node:child_process'

/** Busy processes started beside a benchmark, so the load it runs under is known. */
export interface CompetingLoad {
  /** How many are running. */
  readonly processes: number
  /** Ends them (also done when this process exits). */
  stop(): void
}

/**
 * Starts `count` CPU-bound processes (each a Node spinning in a loop, one
 * core's worth of work) that run until `stop()` or until this process exits.
 */
export function startCompetingLoad(count: number): CompetingLoad {
  const children: ChildProcess[] = []
  const stop = () => {
    for (const child of children.splice(0)) child.kill('SIGKILL')
    process.off('exit', stop)
  }
  process.on('exit', stop)
  for (let i = 0; i < count; i++) {
    children.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }))
  }
  return { processes: count, stop }
}
