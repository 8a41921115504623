import { homedir } from 'node:os'
import { join } from 'node:path'
import { z } from 'zod'
import {
  isFinished,
  projectWritten,
  type Job,
  requests,
  type EventName,
  type ParamsOf,
  type PayloadOf,
  type ReplyOf,
  type RequestName,
} from '@shared/contract'
import {
  EngineError,
  type EngineMessage,
  type ErrorBody,
  type EventMessage,
} from '@shared/protocol'
import type { BackendReport } from './backend/select'
import type { EngineContext } from './context'
import { handlers as allHandlers } from './handlers'
import type { Handlers } from './handlers/types'
import { JobRegistry } from './jobs/registry'
import { acquireWriterLock, writingUntil } from './project/lock'

const requestMessage = z.object({
  kind: z.literal('request'),
  id: z.number().int().nonnegative(),
  name: z.string().max(200),
  params: z.unknown(),
})

export type Send = (message: EngineMessage) => void

/**
 * The engine: serves the contract to any number of connections. Transport-free:
 * the process entry, the web host's child and the CLI all drive this one class.
 */
export class Engine {
  readonly ctx: EngineContext
  private readonly connections = new Set<Send>()

  constructor(
    backend: BackendReport,
    private readonly handlers: Handlers = allHandlers,
  ) {
    this.ctx = {
      backend,
      startedAt: Date.now(),
      dataDir: defaultDataDir(),
      jobs: new JobRegistry((job) => this.emit('job', job)),
      emit: (name, payload) => this.emit(name, payload),
      call: (name, params) => this.call(name, params),
    }
  }

  /**
   * Stops every training in progress and waits until each has written the checkpoint of its
   * current step (a cancelled training saves before it ends): what the engine does before it exits.
   */
  async stopTraining(): Promise<void> {
    const live = this.ctx.jobs.list('train').filter((job) => !isFinished(job.state))
    for (const job of live) this.ctx.jobs.cancel(job.id)
    await Promise.all(live.map((job) => this.ctx.jobs.settled(job)))
  }

  /** Adds a client; events reach it until the returned function is called. */
  connect(send: Send): () => void {
    this.connections.add(send)
    return () => this.connections.delete(send)
  }

  emit<E extends EventName>(name: E, payload: PayloadOf<E>): void {
    const message = { kind: 'event', name, payload } as EventMessage
    for (const send of this.connections) send(message)
  }

  /** Serves one raw message from a client; never throws, always answers a request. */
  async receive(raw: unknown, send: Send): Promise<void> {
    const parsed = requestMessage.safeParse(raw)
    if (!parsed.success) {
      const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : -1
      send({
        kind: 'reply',
        id,
        ok: false,
        error: {
          code: 'bad_request',
          message: 'Malformed message: expected {kind:"request", id, name, params}.',
        },
      })
      return
    }
    const { id, name, params } = parsed.data
    try {
      const result = await this.call(name as RequestName, params as ParamsOf<RequestName>)
      send({ kind: 'reply', id, ok: true, result })
    } catch (error) {
      send({ kind: 'reply', id, ok: false, error: errorBody(error) })
    }
  }

  /** Validates params and runs the handler: what `receive` does, for in-process callers (the CLI). */
  async call<N extends RequestName>(name: N, params: ParamsOf<N>): Promise<ReplyOf<N>> {
    if (!Object.hasOwn(requests, name)) {
      throw new EngineError('unknown_request', `Unknown request '${String(name)}'.`)
    }
    const checked = requests[name].params.safeParse(params ?? {})
    if (!checked.success) {
      throw new EngineError(
        'bad_request',
        `Bad parameters for '${name}': ${z.prettifyError(checked.error)}`,
      )
    }
    const written = projectWritten(name, checked.data)
    if (written) await acquireWriterLock(written)
    const handler = this.handlers[name] as (p: unknown, ctx: EngineContext) => Promise<ReplyOf<N>>
    const result = await handler(checked.data, this.ctx)
    this.noteWriting(written, result)
    return result
  }

  /** A job that writes a project (the demo's included) marks it busy until it ends: checks and repairs wait. */
  private noteWriting(written: string | null, result: unknown): void {
    const reply = result as {
      id?: unknown
      state?: unknown
      project?: unknown
      job?: unknown
    } | null
    const job = isJob(reply) ? reply : isJob(reply?.job) ? reply.job : null
    const project = written ?? (typeof reply?.project === 'string' ? reply.project : null)
    if (job && project && !isFinished(job.state)) {
      writingUntil(project, this.ctx.jobs.settled(job))
    }
  }
}

/** The app's own folder: ATELIER_DATA_DIR when set (Electron sets it to userData), else ~/.latent-atelier. */
export function defaultDataDir(): string {
  return process.env.ATELIER_DATA_DIR || join(homedir(), '.latent-atelier')
}

function isJob(value: unknown): value is Job {
  const job = value as Job | null
  return (
    typeof job?.id === 'string' && typeof job.kind === 'string' && typeof job.state === 'string'
  )
}

function errorBody(error: unknown): ErrorBody {
  if (error instanceof EngineError) return { code: error.code, message: error.message }
  const message = error instanceof Error ? error.message : String(error)
  return { code: 'failed', message }
}
