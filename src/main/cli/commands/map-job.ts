import type { Job } from '@shared/contract'
import type { Engine } from '../../engine/engine'
import type { Invocation } from '../command'

/** Follows a job to its end, printing its progress lines; throws its error when it fails. */
export async function followJob(
  engine: Engine,
  started: Job,
  note: Invocation['note'],
): Promise<Record<string, unknown>> {
  let last = ''
  const stop = engine.connect((message) => {
    if (message.kind !== 'event' || message.name !== 'job') return
    const job = message.payload as Job
    if (job.id !== started.id || job.message === last) return
    last = job.message
    const percent = job.progress === null ? '' : ` ${Math.round(job.progress * 100)}%`
    note(`${job.message}${percent}`)
  })
  try {
    const done = await engine.ctx.jobs.settled(started.id)
    if (done.state !== 'done') throw new Error(done.error ?? `the job was ${done.state}`)
    return done.result ?? {}
  } finally {
    stop()
  }
}
