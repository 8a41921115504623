/** How often long work speaks, and how fast it goes: one throttle and one rate meter for every loop. */

/** Milliseconds from some fixed start (`Date.now` unless a test passes a fake). */
export type Clock = () => number

/** Live progress is sent at most this often (about ten times a second). */
export const PROGRESS_INTERVAL_MS = 100

/**
 * Lets a thing happen at most once every `intervalMs`. The first call passes, unless the
 * throttle is started `from` a time (then the first interval counts from there).
 */
export class Throttle {
  private last: number

  constructor(
    /** May change between calls (a preview that took long waits longer). */
    public intervalMs: number,
    private readonly clock: Clock = Date.now,
    from = -Infinity,
  ) {
    this.last = from
  }

  /** True when the interval has gone by (or when forced); the next interval counts from now. */
  pass(force = false): boolean {
    const now = this.clock()
    if (!force && now - this.last < this.intervalMs) return false
    this.last = now
    return true
  }

  /** Whether `ms` (the interval unless given) has gone by since the last pass; passes nothing. */
  waited(ms = this.intervalMs): boolean {
    return this.clock() - this.last >= ms
  }

  /** Counts the next interval from now: the thing was done outside `pass` (or has just ended). */
  restart(): void {
    this.last = this.clock()
  }
}

/** A progress throttle: at most `PROGRESS_INTERVAL_MS` between reports. */
export function progressThrottle(clock: Clock = Date.now): Throttle {
  return new Throttle(PROGRESS_INTERVAL_MS, clock)
}

/** `count` things in `seconds`, per second; 0 while no time has passed. */
export function perSecond(count: number, seconds: number): number {
  return seconds > 0 ? count / seconds : 0
}

interface Sample {
  at: number
  count: number
}

/**
 * Images (or files) per second from a running total: over the last `span` samples, a recent
 * speed that follows a change of pace (an ETA's input); or, without a span, the mean since the
 * meter was made.
 */
export class RateMeter {
  private readonly samples: Sample[]

  constructor(
    private readonly clock: Clock = Date.now,
    private readonly span?: number,
  ) {
    this.samples = [{ at: clock(), count: 0 }]
  }

  /** Books the running total as of now and answers the speed. */
  record(count: number): number {
    const sample = { at: this.clock(), count }
    if (this.span === undefined) this.samples[1] = sample
    else {
      this.samples.push(sample)
      if (this.samples.length > this.span) this.samples.shift()
    }
    return this.perSecond()
  }

  /** The speed over the samples kept; 0 until time has passed. */
  perSecond(): number {
    const first = this.samples[0] as Sample
    const last = this.samples.at(-1) as Sample
    return last.at > first.at ? ((last.count - first.count) * 1000) / (last.at - first.at) : 0
  }

  /** Seconds from the meter's start (its oldest sample kept) to the last one booked. */
  seconds(): number {
    return ((this.samples.at(-1) as Sample).at - (this.samples[0] as Sample).at) / 1000
  }
}
