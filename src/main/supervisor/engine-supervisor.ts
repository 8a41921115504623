import type { EngineStatus } from '@shared/contract'

/** One running engine process, whatever started it (utilityProcess or child_process). */
export interface EngineProcess {
  readonly pid?: number | undefined
  kill(): void
}

export interface SupervisorOptions<P extends EngineProcess> {
  /** Starts a process; must call `exited(reason)` once when it ends. */
  spawn(exited: (reason: string) => void): P
  /** Told of every change: starting, ready, stopped (with the reason). */
  onStatus(status: EngineStatus): void
  /** First restart delay; doubles on quick repeated crashes up to `maxDelayMs`. */
  delayMs?: number
  maxDelayMs?: number
}

/**
 * Keeps one engine process alive: starts it, and restarts it with a growing
 * delay when it dies, so a crash costs the artist a moment, not the app.
 */
export class EngineSupervisor<P extends EngineProcess> {
  private current: P | null = null
  private status: EngineStatus = { state: 'starting', restarts: 0 }
  private stopping = false
  private delay: number
  private restartTimer: ReturnType<typeof setTimeout> | null = null
  private lastStart = 0

  constructor(private readonly options: SupervisorOptions<P>) {
    this.delay = options.delayMs ?? 1000
  }

  get process(): P | null {
    return this.current
  }

  get state(): EngineStatus {
    return { ...this.status }
  }

  start(): P {
    this.stopping = false
    this.lastStart = Date.now()
    this.set({ state: 'starting', restarts: this.status.restarts })
    const child = this.options.spawn((reason) => this.exited(child, reason))
    this.current = child
    return child
  }

  /** The process said it is serving. */
  ready(): void {
    this.set({ state: 'ready', restarts: this.status.restarts })
  }

  stop(): void {
    this.stopping = true
    if (this.restartTimer) clearTimeout(this.restartTimer)
    this.current?.kill()
    this.current = null
  }

  private exited(child: P, reason: string): void {
    if (child !== this.current) return
    this.current = null
    if (this.stopping) return
    const restarts = this.status.restarts + 1
    this.set({ state: 'stopped', reason, restarts })
    // A process that lived a while gets a quick restart; one that keeps dying waits longer each time.
    const base = this.options.delayMs ?? 1000
    this.delay =
      Date.now() - this.lastStart > 30_000
        ? base
        : Math.min(this.delay * 2, this.options.maxDelayMs ?? 15_000)
    this.restartTimer = setTimeout(() => this.start(), restarts === 1 ? base : this.delay)
  }

  private set(status: EngineStatus): void {
    this.status = status
    this.options.onStatus({ ...status })
  }
}

/** Words for how a process ended. */
export function exitReason(code: number | null, signal: string | null): string {
  if (signal) return `the engine was stopped by signal ${signal}`
  return `the engine exited with code ${code ?? 'unknown'}`
}
