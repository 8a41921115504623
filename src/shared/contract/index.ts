/**
 * The contract between the UI and the engine: every request with its params and
 * reply, every event. Read this folder to learn what the app can do.
 */
import type { z } from 'zod'
import { mergeDefs, type RequestDef, type EventDef, type JobDef } from './define'
import { engineEvents, engineRequests } from './engine'
import { jobEvents, jobRequests, type Job } from './jobs'
import { datasetEvents, datasetRequests } from './dataset'
import { trainEvents, trainRequests } from './train'
import { mapEvents, mapRequests } from './map'
import { createEvents, createRequests } from './create'
import { workspaceRequests } from './workspace'
import { projectRequests } from './project'

export * from './engine'
export * from './jobs'
export * from './params'
export * from './dataset'
export * from './train'
export * from './map'
export * from './create'
export * from './workspace'
export * from './project'
export * from './limits'
export type { RequestDef, EventDef, JobDef } from './define'

export const requests = mergeDefs(
  'request',
  engineRequests,
  jobRequests,
  datasetRequests,
  trainRequests,
  mapRequests,
  createRequests,
  workspaceRequests,
  projectRequests,
)
export const events = mergeDefs(
  'event',
  engineEvents,
  jobEvents,
  datasetEvents,
  trainEvents,
  mapEvents,
  createEvents,
)

export type Requests = typeof requests
export type RequestName = keyof Requests & string
export type ParamsOf<N extends RequestName> =
  Requests[N] extends RequestDef<infer P, unknown> ? z.input<P> : never
export type ParsedParamsOf<N extends RequestName> =
  Requests[N] extends RequestDef<infer P, unknown> ? z.output<P> : never
export type ReplyOf<N extends RequestName> =
  Requests[N] extends RequestDef<z.ZodType, infer R> ? R : never

/** The requests that start a job (declared with `job<R>()`). */
export type JobRequestName = {
  [N in RequestName]: Requests[N] extends { startsJob: true } ? N : never
}[RequestName]
/** What the job a request starts ends with. */
export type ResultOf<N extends JobRequestName> =
  Requests[N] extends JobDef<z.ZodType, infer R> ? R : never

/** The reply of a job request, typed as the job it starts (what `job<R>()` declared). */
export function startedJob<N extends JobRequestName>(reply: ReplyOf<N>): Job<ResultOf<N>> {
  return reply as Job<ResultOf<N>>
}

export type Events = typeof events
export type EventName = keyof Events & string
export type PayloadOf<E extends EventName> = Events[E] extends EventDef<infer T> ? T : never
