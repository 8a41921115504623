import { describe, expect, it, vi } from 'vitest'
import type { FollowOptions } from '@shared/client'
import type { Job } from '@shared/contract'

/** The engine store, played by the test: `follow` resolves when the test ends the job. */
const followed: { job: Job; options: FollowOptions<unknown>; end(last: Job): void }[] = []
vi.mock('../../../../src/renderer/src/engine/engine.svelte', () => ({
  engine: {
    follow: (job: Job, options: FollowOptions<unknown>) =>
      new Promise<Job>((resolve) => followed.push({ job, options, end: resolve })),
  },
}))
const { TrackedJob } = await import('../../../../src/renderer/src/engine/tracked-job.svelte')

function snapshot(state: Job['state'], updatedAt: number, id = 'job-1'): Job {
  return {
    id,
    kind: 'ingest',
    title: 'Ingesting',
    state,
    progress: null,
    message: state,
    error: null,
    createdAt: 0,
    updatedAt,
  }
}

describe('TrackedJob', () => {
  it('shows a job found running, keeps it current, and hears its end once', async () => {
    followed.length = 0
    const ends: string[] = []
    const tracked = new TrackedJob((last) => ends.push(last.state))
    tracked.follow(snapshot('running', 1))
    tracked.follow(snapshot('running', 2)) // found again (a refresh): not followed twice
    expect(followed).toHaveLength(1)
    expect(tracked.running).toBe(true)
    followed[0]!.options.onProgress!(snapshot('paused', 3))
    expect(tracked.job?.state).toBe('paused')
    tracked.update(snapshot('running', 2)) // an older snapshot never wins
    expect(tracked.job?.state).toBe('paused')
    tracked.update(snapshot('running', 9, 'another-job'))
    expect(tracked.job?.id).toBe('job-1')
    followed[0]!.end(snapshot('done', 4))
    await vi.waitFor(() => expect(ends).toEqual(['done']))
    expect(tracked.job?.state).toBe('done')
    expect(tracked.running).toBe(false)
  })

  it('shows a job it started through engine.run and stops following when disposed', async () => {
    const ends: string[] = []
    const tracked = new TrackedJob((last) => ends.push(last.state))
    let finish: (job: Job) => void = () => {}
    const done = new Promise<Job>((resolve) => (finish = resolve))
    await tracked.started({ job: Promise.resolve(snapshot('running', 1, 'job-2')), done })
    expect(tracked.job?.id).toBe('job-2')
    tracked.dispose()
    expect(tracked.options.signal?.aborted).toBe(true)
    finish(snapshot('cancelled', 2, 'job-2'))
    await vi.waitFor(() => expect(ends).toEqual(['cancelled']))
  })
})
