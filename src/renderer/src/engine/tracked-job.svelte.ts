import type { FollowOptions, Run } from '@shared/client'
import { isFinished, sameJob, type Job } from '@shared/contract'
import { engine } from './engine.svelte'

/**
 * The job a panel shows, kept current by the engine client's one follower (`run` for a job the
 * panel starts, `follow` for one it finds running); `onEnd` hears its last snapshot.
 */
export class TrackedJob<R = unknown> {
  job = $state<Job<R> | null>(null)
  readonly running = $derived(this.job !== null && !isFinished(this.job.state))
  private followed: string | null = null
  private readonly stop = new AbortController()
  /** What `engine.run` needs to keep `job` current. */
  readonly options: FollowOptions<R> = {
    onProgress: (job) => this.update(job),
    signal: this.stop.signal,
  }

  constructor(private readonly onEnd: (job: Job<R>) => void = () => {}) {}

  /** Shows a job the panel started with `engine.run(name, params, tracked.options)`. */
  async started(run: Run<R>): Promise<void> {
    const job = await run.job
    this.show(job)
    this.ended(job.id, run.done)
  }

  /** Shows a job found running (or a fresh snapshot of it) and follows it, once per job. */
  follow(job: Job<R>): void {
    this.show(job)
    if (this.followed !== job.id) this.ended(job.id, engine.follow(job, this.options))
  }

  /** A snapshot answered by `jobs.pause`, `jobs.resume` or `jobs.cancel`. */
  update(snapshot: Job): void {
    const job = this.job && sameJob(this.job, snapshot)
    if (job && this.job && job.updatedAt >= this.job.updatedAt) this.job = job
  }

  dispose(): void {
    this.stop.abort()
  }

  private show(job: Job<R>): void {
    if (job.id !== this.job?.id) this.job = job
    else this.update(job)
  }

  private ended(id: string, done: Promise<Job<R>>): void {
    if (this.followed === id) return
    this.followed = id
    done.then(
      (last) => {
        this.update(last)
        if (this.followed === id) this.onEnd(last)
      },
      () => {}, // stopped following (the panel closed) or the engine lost the job
    )
  }
}
