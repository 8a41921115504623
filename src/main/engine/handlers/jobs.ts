import type { HandlerTable } from './types'

export const jobHandlers: HandlerTable<
  'jobs.list' | 'jobs.get' | 'jobs.cancel' | 'jobs.pause' | 'jobs.resume'
> = {
  'jobs.list': ({ kind }, ctx) => ctx.jobs.list(kind),
  'jobs.get': ({ id }, ctx) => ctx.jobs.get(id),
  'jobs.cancel': ({ id }, ctx) => ctx.jobs.cancel(id),
  'jobs.pause': ({ id }, ctx) => ctx.jobs.pause(id),
  'jobs.resume': ({ id }, ctx) => ctx.jobs.resume(id),
}
