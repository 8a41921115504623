import { z } from 'zod'
import { event, request } from './define'

/** Every kind of long work the engine runs as a job. */
export const JOB_KINDS = ['ingest', 'train', 'encode', 'project', 'export', 'demo'] as const
export type JobKind = (typeof JOB_KINDS)[number]

export const JOB_STATES = ['queued', 'running', 'paused', 'done', 'failed', 'cancelled'] as const
export type JobState = (typeof JOB_STATES)[number]

/** States a job never leaves. */
export const FINISHED_STATES: readonly JobState[] = ['done', 'failed', 'cancelled']

/** True once a job is in one of the FINISHED_STATES. */
export function isFinished(state: JobState): boolean {
  return FINISHED_STATES.includes(state)
}

/**
 * A whole snapshot of a job, pushed on every change and answered by `jobs.get`. `R` is what the
 * request that started it declares (`job<R>()` in this folder): its `result` once done.
 */
export interface Job<R = unknown> {
  id: string
  kind: JobKind
  /** One line for people: what the job is doing, e.g. "Training 3 epochs on wasm". */
  title: string
  /** The project folder it works on, when it works on one. */
  project?: string
  state: JobState
  /** 0..1, or null while the amount of work is unknown. */
  progress: number | null
  /** The current step in words, e.g. "epoch 2/10, loss 412.3". */
  message: string
  /** A message written for the user when state is 'failed'. */
  error: string | null
  createdAt: number
  updatedAt: number
  /** Set when done: a small summary the UI and CLI can show. */
  result?: R
}

/**
 * `snapshot` when it is a snapshot of `started`, typed as it (the engine sends one shape for every
 * job, so a `job` event or `jobs.get` carries the result type of the request that started it).
 */
export function sameJob<R>(started: Job<R>, snapshot: Job): Job<R> | null {
  return snapshot.id === started.id ? (snapshot as Job<R>) : null
}

/** The result of a finished job; throws its error, in words, when it failed or was cancelled. */
export function resultOf<R>(job: Job<R>): R {
  if (job.state !== 'done') throw new Error(job.error ?? `The job '${job.title}' was ${job.state}.`)
  return job.result as R
}

export const jobId = z.string().min(1).max(64)

export const jobRequests = {
  'jobs.list': request<Job[]>()(z.object({ kind: z.enum(JOB_KINDS).optional() }).strict()),
  'jobs.get': request<Job>()(z.object({ id: jobId }).strict()),
  'jobs.cancel': request<Job>()(z.object({ id: jobId }).strict()),
  'jobs.pause': request<Job>()(z.object({ id: jobId }).strict()),
  'jobs.resume': request<Job>()(z.object({ id: jobId }).strict()),
}

export const jobEvents = {
  /** A job changed: its whole snapshot, throttled to a few per second per job. */
  job: event<Job>(),
}
