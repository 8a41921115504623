/**
 * Runs async work so that at most one call is in flight and only the latest
 * request made meanwhile runs next: a slider dragged faster than the engine
 * decodes skips the stale positions instead of queueing them.
 */
export function latestOnly<A, R>(
  work: (args: A) => Promise<R>,
  done: (result: R, args: A) => void,
  failed: (error: unknown) => void,
): (args: A) => void {
  let running = false
  let pending: { args: A } | null = null
  const run = async (args: A): Promise<void> => {
    running = true
    try {
      done(await work(args), args)
    } catch (error) {
      failed(error)
    } finally {
      running = false
      const next = pending
      pending = null
      if (next) void run(next.args)
    }
  }
  return (args) => {
    if (running) pending = { args }
    else void run(args)
  }
}
