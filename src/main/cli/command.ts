import type { ParseArgsConfig } from 'node:util'
import type { EngineClient } from '@shared/client'
import { BACKENDS, type BackendName } from '@shared/contract'
import { selectBackend } from '../engine/backend/select'
import { Engine } from '../engine/engine'
import { inProcessClient } from './in-process'

export type Options = NonNullable<ParseArgsConfig['options']>

/** What a command gets: its parsed flags and positionals, and a client of the in-process engine. */
export interface Invocation {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>
  positionals: string[]
  json: boolean
  /** Starts the engine in this process on first use (with --backend when given). */
  engine(): Promise<EngineClient>
  /** Progress and notes for people: stderr, and silent under --json. */
  note(line: string): void
}

/**
 * One `atelier` command. `run` returns the result that `--json` prints as one
 * object; `format` turns it into human text.
 */
export interface Command<R = unknown> {
  /** The words that name it, e.g. 'info' or 'bench train'. */
  name: string
  summary: string
  usage: string
  options?: Options
  run(invocation: Invocation): Promise<R>
  format(result: R): string
  /** The exit status for a result (default 0): a command whose verdict is "no" can say so. */
  exitCode?(result: R): number
}

/** Declares a command; keeps its result type between `run` and `format`. */
export function command<R>(def: Command<R>): Command<R> {
  return def
}

/** A mistake in how a command was called: printed with the usage, exit code 2. */
export class UsageError extends Error {}

export function engineStarter(values: Invocation['values']): () => Promise<EngineClient> {
  let engine: Promise<EngineClient> | null = null
  return () => {
    if (engine) return engine
    const backend = values.backend
    if (backend !== undefined && !BACKENDS.includes(backend as BackendName)) {
      throw new UsageError(
        `--backend ${String(backend)} is not a backend; use one of ${BACKENDS.join(', ')}.`,
      )
    }
    engine = selectBackend(backend as BackendName | undefined).then((report) =>
      inProcessClient(new Engine(report)),
    )
    return engine
  }
}

/** Reads a numeric flag, with a clear message for anything that is not a number in range. */
export function numberFlag(
  values: Invocation['values'],
  name: string,
  fallback: number,
  range: { min: number; max: number; integer?: boolean },
): number {
  const raw = values[name]
  if (raw === undefined) return fallback
  const value = Number(raw)
  if (
    !Number.isFinite(value) ||
    value < range.min ||
    value > range.max ||
    (range.integer && !Number.isInteger(value))
  ) {
    throw new UsageError(
      `--${name} ${String(raw)} is not ${range.integer ? 'a whole number' : 'a number'} from ${range.min} to ${range.max}.`,
    )
  }
  return value
}
