import type { EventName, ParamsOf, PayloadOf, ReplyOf, RequestName } from './contract'
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
  /** Milliseconds before the request fails with code 'timeout'; long work is a job, so keep this short. */
  timeoutMs?: number
}

interface Pending {
  name: string
  resolve(value: unknown): void
  reject(error: EngineError): void
  timer: ReturnType<typeof setTimeout>
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
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(
          new EngineError(
            'timeout',
            `The engine did not answer '${name}' within ${timeoutMs / 1000} s.`,
          ),
        )
      }, timeoutMs)
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
