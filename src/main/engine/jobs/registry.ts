import { randomUUID } from 'node:crypto'
import { isFinished, sameJob, type Job, type JobKind } from '@shared/contract'
import { EngineError } from '@shared/protocol'

/** Thrown inside a job's work when the job was cancelled; the registry marks it 'cancelled'. */
export class JobCancelled extends Error {
  constructor() {
    super('cancelled')
    this.name = 'JobCancelled'
  }
}

/** What a job's work sees of its job. */
export interface JobControl {
  readonly id: string
  /** Aborted when the job is cancelled: hand it to anything that takes a signal. */
  readonly signal: AbortSignal
  /** Reports progress (0..1, or null when unknown) and a line for people; throttled. */
  progress(fraction: number | null, message?: string): void
  /** Call between units of work: waits while paused, throws JobCancelled once cancelled. */
  checkpoint(): Promise<void>
}

/** A job's work: what it resolves with is the job's `result`. */
export type JobWork<R> = (job: JobControl) => Promise<R>

export interface JobOptions {
  /** One line for people: what the job is doing. */
  title: string
  /** The project folder it works on, for `Job.project`. */
  project?: string
  /**
   * At most one unfinished job holds a key (e.g. `train:<project>`): starting a second one with
   * the same key is refused, as two would race each other's writes.
   */
  exclusiveKey?: string
}

/** Pushes snapshots of a job no more often than this, except when its state changes. */
const SNAPSHOT_INTERVAL_MS = 100

interface Entry<R = unknown> {
  job: Job<R>
  exclusiveKey: string | undefined
  abort: AbortController
  resumeWaiters: (() => void)[]
  lastEmit: number
  pendingEmit: ReturnType<typeof setTimeout> | null
}

/**
 * The engine's long work. Each job runs at once; its whole snapshot is pushed
 * on every change (throttled) and stays queryable after it finished.
 */
export class JobRegistry {
  private readonly entries = new Map<string, Entry>()

  constructor(
    private readonly emit: (job: Job) => void,
    /** Finished jobs kept for `jobs.get` after a reconnect. */
    private readonly keepFinished = 200,
  ) {}

  /**
   * Starts `work` as a job and returns its first snapshot at once; refuses (code 'conflict') while
   * an unfinished job holds the same `exclusiveKey`.
   */
  start<R>(kind: JobKind, options: JobOptions, work: JobWork<R>): Job<R> {
    const { title, project, exclusiveKey } = options
    const holder = exclusiveKey === undefined ? null : this.holding(exclusiveKey)
    if (holder) {
      throw new EngineError(
        'conflict',
        `'${holder.title}' is running (job ${holder.id}, ${holder.state}) and only one such job runs at a time; wait for it to finish or cancel it first.`,
      )
    }
    const now = Date.now()
    const entry: Entry<R> = {
      exclusiveKey,
      job: {
        id: randomUUID(),
        kind,
        title,
        ...(project === undefined ? {} : { project }),
        state: 'running',
        progress: null,
        message: 'starting',
        error: null,
        createdAt: now,
        updatedAt: now,
      },
      abort: new AbortController(),
      resumeWaiters: [],
      lastEmit: 0,
      pendingEmit: null,
    }
    this.entries.set(entry.job.id, entry)
    this.prune()
    this.push(entry, true)
    const control: JobControl = {
      id: entry.job.id,
      signal: entry.abort.signal,
      progress: (fraction, message) => {
        if (fraction !== null) entry.job.progress = Math.min(1, Math.max(0, fraction))
        else entry.job.progress = null
        if (message !== undefined) entry.job.message = message
        this.push(entry, false)
      },
      checkpoint: async () => {
        while (entry.job.state === 'paused') {
          await new Promise<void>((resolve) => entry.resumeWaiters.push(resolve))
        }
        if (entry.abort.signal.aborted) throw new JobCancelled()
      },
    }
    void this.run(entry, control, work)
    return { ...entry.job }
  }

  /** The unfinished job holding `exclusiveKey`, if any. */
  holding(exclusiveKey: string): Job | null {
    for (const entry of this.entries.values()) {
      if (entry.exclusiveKey === exclusiveKey && !isFinished(entry.job.state))
        return { ...entry.job }
    }
    return null
  }

  list(kind?: JobKind): Job[] {
    return [...this.entries.values()]
      .map((e) => ({ ...e.job }))
      .filter((job) => kind === undefined || job.kind === kind)
  }

  get(id: string): Job {
    return { ...this.entry(id).job }
  }

  cancel(id: string): Job {
    const entry = this.entry(id)
    if (isFinished(entry.job.state)) return { ...entry.job }
    entry.abort.abort()
    // A paused job wakes up to see the cancellation.
    if (entry.job.state === 'paused') this.setState(entry, 'running')
    entry.job.message = 'cancelling'
    this.push(entry, true)
    return { ...entry.job }
  }

  pause(id: string): Job {
    const entry = this.entry(id)
    if (entry.job.state === 'running') this.setState(entry, 'paused')
    else if (entry.job.state !== 'paused') {
      throw new EngineError(
        'conflict',
        `Job ${id} is ${entry.job.state}; only a running job can be paused.`,
      )
    }
    return { ...entry.job }
  }

  resume(id: string): Job {
    const entry = this.entry(id)
    if (entry.job.state === 'paused') this.setState(entry, 'running')
    else if (entry.job.state !== 'running') {
      throw new EngineError(
        'conflict',
        `Job ${id} is ${entry.job.state}; only a paused job can be resumed.`,
      )
    }
    return { ...entry.job }
  }

  /** Resolves when the job has finished, with its last snapshot. */
  async settled<R>(job: Job<R>): Promise<Job<R>> {
    const entry = this.entry(job.id)
    while (!isFinished(entry.job.state)) await new Promise((resolve) => setTimeout(resolve, 20))
    return sameJob(job, { ...entry.job })!
  }

  private async run<R>(entry: Entry<R>, control: JobControl, work: JobWork<R>): Promise<void> {
    try {
      const result = await work(control)
      if (entry.abort.signal.aborted) return this.finish(entry, 'cancelled', null)
      if (result !== undefined) entry.job.result = result
      entry.job.progress = 1
      this.finish(entry, 'done', null)
    } catch (error) {
      if (error instanceof JobCancelled || entry.abort.signal.aborted) {
        this.finish(entry, 'cancelled', null)
      } else {
        const message = error instanceof Error ? error.message : String(error)
        this.finish(entry, 'failed', message)
      }
    }
  }

  private finish(entry: Entry, state: 'done' | 'failed' | 'cancelled', error: string | null): void {
    entry.job.error = error
    entry.job.message = state === 'done' ? 'done' : state === 'cancelled' ? 'cancelled' : 'failed'
    this.setState(entry, state)
  }

  private setState(entry: Entry, state: Job['state']): void {
    entry.job.state = state
    if (state !== 'paused') entry.resumeWaiters.splice(0).forEach((wake) => wake())
    this.push(entry, true)
  }

  private push(entry: Entry, now: boolean): void {
    entry.job.updatedAt = Date.now()
    const wait = SNAPSHOT_INTERVAL_MS - (entry.job.updatedAt - entry.lastEmit)
    if (now || wait <= 0) {
      if (entry.pendingEmit) clearTimeout(entry.pendingEmit)
      entry.pendingEmit = null
      entry.lastEmit = entry.job.updatedAt
      this.emit({ ...entry.job })
    } else if (!entry.pendingEmit) {
      entry.pendingEmit = setTimeout(() => this.push(entry, true), wait)
    }
  }

  private entry(id: string): Entry {
    const entry = this.entries.get(id)
    if (!entry)
      throw new EngineError(
        'not_found',
        `No job with id ${id}. It may belong to an engine that has since restarted.`,
      )
    return entry
  }

  private prune(): void {
    const finished = [...this.entries.values()].filter((e) => isFinished(e.job.state))
    for (const entry of finished.slice(0, Math.max(0, finished.length - this.keepFinished))) {
      this.entries.delete(entry.job.id)
    }
  }
}
