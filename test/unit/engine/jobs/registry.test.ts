import { describe, expect, it } from 'vitest'
import type { Job } from '@shared/contract'
import { JobRegistry } from '../../../../src/main/engine/jobs/registry'

function registry() {
  const snapshots: Job[] = []
  return { jobs: new JobRegistry((job) => snapshots.push(job)), snapshots }
}

describe('JobRegistry', () => {
  it('runs work to done with its result and progress 1', async () => {
    const { jobs, snapshots } = registry()
    const job = jobs.start('ingest', { title: 'count to three' }, async (control) => {
      for (let i = 1; i <= 3; i++) {
        await control.checkpoint()
        control.progress(i / 3, `step ${i}`)
      }
      return { counted: 3 }
    })
    expect(job.state).toBe('running')
    const done = await jobs.settled(job)
    expect(done).toMatchObject({ state: 'done', progress: 1, result: { counted: 3 }, error: null })
    expect(snapshots.at(-1)?.state).toBe('done')
  })

  it('marks a job failed with the error written for the user', async () => {
    const { jobs } = registry()
    const job = jobs.start('train', { title: 'fails' }, async () => {
      throw new Error('Loss became NaN at step 12; the last good checkpoint is kept.')
    })
    expect(await jobs.settled(job)).toMatchObject({
      state: 'failed',
      error: 'Loss became NaN at step 12; the last good checkpoint is kept.',
    })
  })

  it('pauses, resumes and cancels at checkpoints', async () => {
    const { jobs } = registry()
    let steps = 0
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => (release = resolve))
    const job = jobs.start('train', { title: 'loops' }, async (control) => {
      await gate
      for (;;) {
        await control.checkpoint()
        steps++
        await new Promise((resolve) => setTimeout(resolve, 1))
      }
    })
    expect(jobs.pause(job.id).state).toBe('paused')
    release()
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(steps).toBe(0)
    expect(jobs.resume(job.id).state).toBe('running')
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(steps).toBeGreaterThan(0)
    jobs.cancel(job.id)
    expect((await jobs.settled(job)).state).toBe('cancelled')
    expect(() => jobs.resume(job.id)).toThrow(/cancelled; only a paused job can be resumed/)
  })

  it('answers an unknown id with not_found', () => {
    const { jobs } = registry()
    expect(() => jobs.get('missing')).toThrow(/No job with id missing/)
  })

  it('keeps finished jobs queryable, and lists by kind', async () => {
    const { jobs } = registry()
    const a = jobs.start('ingest', { title: 'a' }, async () => {})
    jobs.start('train', { title: 'b' }, async () => {})
    await jobs.settled(a)
    expect(jobs.get(a.id).state).toBe('done')
    expect(jobs.list('ingest').map((j) => j.title)).toEqual(['a'])
  })

  it('refuses a second job with the same exclusive key until the first has finished', async () => {
    const { jobs } = registry()
    let finish = () => {}
    const key = 'ingest:/projects/faces'
    const first = jobs.start('ingest', { title: 'Ingesting faces', exclusiveKey: key }, () => {
      return new Promise<void>((resolve) => (finish = resolve))
    })
    expect(jobs.holding(key)?.id).toBe(first.id)
    expect(() =>
      jobs.start('ingest', { title: 'again', exclusiveKey: key }, async () => {}),
    ).toThrow(
      expect.objectContaining({
        code: 'conflict',
        message: expect.stringMatching(/'Ingesting faces' is running \(job .+\).*cancel it/),
      }),
    )
    // Another key, or none, is not held back.
    jobs.start('ingest', { title: 'other', exclusiveKey: 'ingest:/projects/cats' }, async () => {})
    jobs.start('encode', { title: 'free' }, async () => {})
    finish()
    await jobs.settled(first)
    expect(jobs.holding(key)).toBeNull()
    const second = jobs.start('ingest', { title: 'again', exclusiveKey: key }, async () => 7)
    expect((await jobs.settled(second)).result).toBe(7)
  })
})
