import type { z } from 'zod'
import type { Job } from './jobs'

/**
 * One request of the contract: its params schema (checked by the engine at the
 * boundary) and, as a phantom type, its reply.
 */
export interface RequestDef<P extends z.ZodType = z.ZodType, R = unknown> {
  readonly params: P
  /** Never set at run time: carries the reply type only. */
  readonly reply?: R
}

/**
 * Declares a request whose reply type is `R`:
 * `ping: request<Pong>()(z.object({}))`.
 */
export function request<R>() {
  return <P extends z.ZodType>(params: P): RequestDef<P, R> => ({ params })
}

/** A request that starts a job: it answers the job's first snapshot; the job ends with an `R`. */
export interface JobDef<P extends z.ZodType = z.ZodType, R = unknown> extends RequestDef<
  P,
  Job<R>
> {
  readonly startsJob: true
}

/**
 * Declares a request that starts a job whose result is `R`:
 * `'train.start': job<TrainSummary>()(z.object({ ... }))`.
 */
export function job<R>() {
  return <P extends z.ZodType>(params: P): JobDef<P, R> => ({ params, startsJob: true })
}

/** Events are typed only (the engine is their one author): `payload` carries the type. */
export interface EventDef<T = unknown> {
  readonly payload?: T
}

export function event<T>(): EventDef<T> {
  return {}
}

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (
  i: infer I,
) => void
  ? I
  : never

/**
 * Merges the contract's parts into one table. A name declared twice is a
 * programmer error and throws at start-up, before anything is served.
 */
export function mergeDefs<T extends Record<string, unknown>[]>(
  what: string,
  ...parts: T
): UnionToIntersection<T[number]> {
  const merged: Record<string, unknown> = {}
  for (const part of parts) {
    for (const [name, def] of Object.entries(part)) {
      if (name in merged) throw new Error(`Duplicate ${what} name in the contract: '${name}'`)
      merged[name] = def
    }
  }
  return merged as UnionToIntersection<T[number]>
}
