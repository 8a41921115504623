import {
  isFinished,
  sameJob,
  startedJob,
  type EventName,
  type Job,
  type JobRequestName,
  type ParamsOf,
  type PayloadOf,
  type ReplyOf,
  type RequestName,
  type ResultOf,
} from './contract'
import { EngineError, type ClientMessage, type EngineMessage } from './protocol'

/** A way to reach the engine: a MessagePort (desktop) or a WebSocket (browser). */
export interface Transport {
  send(message: ClientMessage): void
  /** Delivers every message from the engine; returns an unsubscribe. */
  onMessage(listener: (message: EngineMessage) => void): () => void
  /** Tells when the link goes up or down; returns an unsubscribe. */
  onLink(listener: (up: boolean) => void): () => void
}

export interface RequestOptions {
  /**
   * Milliseconds before the request fails with code 'timeout'; long work is a job, so keep this
   * short. Infinity: never (the CLI's in-process engine, where nothing can be lost on the way).
   */
  timeoutMs?: number
}

export interface FollowOptions<R> {
  /** Every snapshot of the job as it changes (the engine throttles them), its last one included. */
  onProgress?(job: Job<R>): void
  /** Stops following: `done` rejects with the signal's reason. */
  signal?: AbortSignal
}

/** A job being followed. */
export interface Run<R> {
  /** Its first snapshot, once the engine took the request; rejects when the engine refused it. */
  job: Promise<Job<R>>
  /** Its last snapshot, once it finished (done, failed or cancelled); `resultOf` reads its result. */
  done: Promise<Job<R>>
}

/** How often a follower asks for a job's snapshot, in case a pushed one was missed (a reconnect). */
const FOLLOW_POLL_MS = 1000

interface Pending {
  name: string
  resolve(value: unknown): void
  reject(error: EngineError): void
  timer: ReturnType<typeof setTimeout> | undefined
}

/**
 * Typed requests and events over any transport: matches replies to requests by
 * id, times requests out, and fails what is in flight when the link drops.
 */
export class EngineClient {
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  private readonly listeners = new Map<string, Set<(payload: never) => void>>()
  /** Requests made before the link came up: sent once it does (their timeouts still run). */
  private readonly waiting: ClientMessage[] = []
  private linked = false

  constructor(
    private readonly transport: Transport,
    private readonly defaultTimeoutMs = 30_000,
  ) {
    transport.onMessage((message) => this.receive(message))
    transport.onLink((up) => {
      this.linked = up
      if (up) this.waiting.splice(0).forEach((message) => this.send(message))
      else this.failAll('disconnected', 'The engine connection was lost; it is being restored.')
    })
  }

  request<N extends RequestName>(
    name: N,
    params: ParamsOf<N>,
    options: RequestOptions = {},
  ): Promise<ReplyOf<N>> {
    const id = this.nextId++
    return new Promise<ReplyOf<N>>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs
      const expire = () => {
        this.pending.delete(id)
        reject(
          new EngineError(
            'timeout',
            `The engine did not answer '${name}' within ${timeoutMs / 1000} s.`,
          ),
        )
      }
      const timer = Number.isFinite(timeoutMs) ? setTimeout(expire, timeoutMs) : undefined
      this.pending.set(id, { name, resolve: resolve as (value: unknown) => void, reject, timer })
      const message: ClientMessage = { kind: 'request', id, name, params }
      if (this.linked) this.send(message)
      else this.waiting.push(message)
    })
  }

  /** Calls `listener` for every `name` event until the returned function is called. */
  on<E extends EventName>(name: E, listener: (payload: PayloadOf<E>) => void): () => void {
    let set = this.listeners.get(name)
    if (!set) this.listeners.set(name, (set = new Set()))
    set.add(listener as (payload: never) => void)
    return () => set.delete(listener as (payload: never) => void)
  }

  /**
   * Starts the job `name` asks for and follows it to its end: the one way the app and the CLI wait
   * for long work. Snapshots pushed before the engine's reply are kept, so none is missed.
   */
  run<N extends JobRequestName>(
    name: N,
    params: ParamsOf<N>,
    options: FollowOptions<ResultOf<N>> = {},
  ): Run<ResultOf<N>> {
    const early: Job[] = []
    const stop = this.on('job', (snapshot) => void early.push(snapshot))
    const job = this.request(name, params)
      .then(startedJob<N>)
      .finally(stop)
    const done = job.then((started) => {
      const latest = early.filter((s) => s.id === started.id).pop()
      return this.follow(latest ? sameJob(started, latest)! : started, options)
    })
    return { job, done }
  }

  /**
   * Follows a job already started (found by `jobs.list` or a status) to its end, with its pushed
   * snapshots and a poll in case one was missed; resolves with its last snapshot.
   */
  follow<R>(started: Job<R>, options: FollowOptions<R> = {}): Promise<Job<R>> {
    const { onProgress, signal } = options
    if (isFinished(started.state)) return Promise.resolve(started)
    return new Promise<Job<R>>((resolve, reject) => {
      let last = started
      let ended = false
      let polling = false
      const end = (outcome: () => void) => {
        ended = true
        stop()
        clearInterval(poll)
        signal?.removeEventListener('abort', abort)
        outcome()
      }
      const seen = (snapshot: Job) => {
        const job = sameJob(started, snapshot)
        if (!job || ended || job.updatedAt < last.updatedAt) return
        last = job
        onProgress?.(job)
        if (isFinished(job.state)) end(() => resolve(job))
      }
      const abort = () => end(() => reject(signal?.reason))
      const stop = this.on('job', seen)
      const poll = setInterval(() => {
        if (polling) return
        polling = true
        this.request('jobs.get', { id: started.id })
          .then(seen, (error: EngineError) => {
            // The engine restarted without it: it will never finish.
            if (error.code === 'not_found') end(() => reject(error))
          })
          .finally(() => (polling = false))
      }, FOLLOW_POLL_MS)
      if (signal?.aborted) abort()
      else signal?.addEventListener('abort', abort)
    })
  }

  /** Fails every request still waiting (e.g. on shutdown). */
  failAll(code: 'disconnected' | 'timeout', message: string): void {
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer)
      pending.reject(new EngineError(code, `'${pending.name}': ${message}`))
      this.pending.delete(id)
    }
  }

  private send(message: ClientMessage): void {
    const pending = this.pending.get(message.id)
    if (!pending) return // timed out while waiting for the link
    try {
      this.transport.send(message)
    } catch (error) {
      clearTimeout(pending.timer)
      this.pending.delete(message.id)
      pending.reject(
        new EngineError('disconnected', `Could not reach the engine: ${(error as Error).message}`),
      )
    }
  }

  private receive(message: EngineMessage): void {
    if (message.kind === 'event') {
      for (const listener of this.listeners.get(message.name) ?? []) {
        ;(listener as (payload: unknown) => void)(message.payload)
      }
      return
    }
    const pending = this.pending.get(message.id)
    if (!pending) return // a reply after its timeout: nobody waits for it any more
    this.pending.delete(message.id)
    clearTimeout(pending.timer)
    if (message.ok) pending.resolve(message.result)
    else pending.reject(new EngineError(message.error.code, message.error.message))
  }
}
