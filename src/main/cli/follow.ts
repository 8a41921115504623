import type { EngineClient } from '@shared/client'
import {
  resultOf,
  type Job,
  type JobRequestName,
  type ParamsOf,
  type ResultOf,
} from '@shared/contract'
import { Throttle } from '@shared/pace'
import type { Invocation } from './command'

/**
 * A job's progress as notes for people: its message when it changes, at most once a second
 * unless its first word (the phase: "scanning", "reading") or its state changes.
 */
export function progressNotes(note: Invocation['note']): (job: Job) => void {
  let last = ''
  const notes = new Throttle(1000)
  return (job) => {
    const samePhase = job.message.split(' ')[0] === last.split(' ')[0]
    if (job.message === last) return
    if (!notes.pass(!samePhase || job.state !== 'running')) return
    last = job.message
    const percent = job.progress === null ? '' : ` ${Math.round(job.progress * 100)}%`
    note(`${job.message}${percent}`)
  }
}

/** Starts a job, notes its progress, and resolves with its result; throws its error when it fails. */
export async function runJob<N extends JobRequestName>(
  client: EngineClient,
  name: N,
  params: ParamsOf<N>,
  note: Invocation['note'],
): Promise<ResultOf<N>> {
  return resultOf(await client.run(name, params, { onProgress: progressNotes(note) }).done)
}
