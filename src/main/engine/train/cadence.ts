import { progressThrottle, Throttle, type Clock } from '@shared/pace'

/** At an epoch's end a checkpoint is written when the last one is at least this old. */
export const EPOCH_CHECKPOINT_GAP_MS = 10_000

/** A preview waits at least this many times as long as the last took (~5% of the time at most). */
const PREVIEW_SPACING = 20

export interface CadenceTimes {
  /** Seconds between checkpoints (0: after every step). */
  checkpointSeconds: number
  /** Seconds between previews, at the least. */
  previewSeconds: number
  /** A time budget in seconds, or null. */
  maxSeconds: number | null
}

/**
 * When a training run speaks and saves: progress about ten times a second, a preview every few
 * seconds, a checkpoint every `checkpointSeconds` (counted from the run's start, then from the
 * last one written), and the end of a time budget.
 */
export class TrainCadence {
  private readonly started: number
  private readonly progress: Throttle
  private readonly preview: Throttle
  private readonly checkpoint: Throttle

  constructor(
    private readonly times: CadenceTimes,
    private readonly clock: Clock = Date.now,
  ) {
    this.started = clock()
    this.progress = progressThrottle(clock)
    this.preview = new Throttle(times.previewSeconds * 1000, clock)
    this.checkpoint = new Throttle(times.checkpointSeconds * 1000, clock, this.started)
  }

  /** Whether to report progress now; the run's last step always reports. */
  progressDue(finishing: boolean): boolean {
    return this.progress.pass(finishing)
  }

  previewDue(): boolean {
    return this.preview.waited()
  }

  /** A preview that took `tookMs` was sent: on a slow machine the next comes later. */
  previewed(tookMs: number): void {
    this.preview.restart()
    this.preview.intervalMs = Math.max(this.times.previewSeconds * 1000, PREVIEW_SPACING * tookMs)
  }

  /** Whether a checkpoint is due after a step; the run's last step is saved at the end instead. */
  checkpointDue(finishing: boolean): boolean {
    return !finishing && this.checkpoint.waited()
  }

  /**
   * Whether to save at an epoch's end, so the map can follow training (not more than every few
   * seconds: tiny datasets finish epochs faster than a checkpoint is worth writing).
   */
  epochCheckpointDue(): boolean {
    return this.checkpoint.waited(EPOCH_CHECKPOINT_GAP_MS)
  }

  /** A checkpoint was written: the next one counts from now. */
  saved(): void {
    this.checkpoint.restart()
  }

  /** Whether the time budget is spent. */
  budgetSpent(): boolean {
    return this.times.maxSeconds !== null && this.elapsedMs() >= this.times.maxSeconds * 1000
  }

  elapsedMs(): number {
    return this.clock() - this.started
  }

  /** Seconds left: `images` at `imagesPerSecond`, or the time budget left if sooner; null when unknown. */
  etaSeconds(images: number, imagesPerSecond: number): number | null {
    const { maxSeconds } = this.times
    const budget =
      maxSeconds === null ? Infinity : Math.max(0, maxSeconds - this.elapsedMs() / 1000)
    const work = imagesPerSecond > 0 ? images / imagesPerSecond : Infinity
    const left = Math.min(budget, work)
    return Number.isFinite(left) ? left : null
  }
}
