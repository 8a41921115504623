import { EngineClient, type FollowOptions, type RequestOptions, type Run } from '@shared/client'
import type {
  EngineInfo,
  EngineStatus,
  EventName,
  Job,
  JobRequestName,
  ParamsOf,
  PayloadOf,
  ReplyOf,
  RequestName,
  ResultOf,
} from '@shared/contract'
import type { DesktopApi } from '@shared/desktop-api'
import { desktopTransport, webSocketTransport } from './transports'

export type Connection = 'connecting' | 'connected' | 'restarting' | 'disconnected'

const desktop = (window as { atelier?: DesktopApi }).atelier

function engineUrl(): string {
  const token = new URLSearchParams(location.search).get('token') ?? ''
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
  return `${scheme}://${location.host}/engine?token=${encodeURIComponent(token)}`
}

/**
 * The renderer's one engine client, over the desktop MessagePort or the web
 * host's WebSocket, with reactive connection state and the engine's `info`.
 */
class EngineStore {
  connection = $state<Connection>('connecting')
  /** Why the engine is down, in words, when it is. */
  problem = $state<string | null>(null)
  info = $state<EngineInfo | null>(null)
  restarts = $state(0)
  readonly mode: 'desktop' | 'browser' = desktop ? 'desktop' : 'browser'
  private readonly client: EngineClient

  constructor() {
    const transport = desktop ? desktopTransport(desktop) : webSocketTransport(engineUrl())
    this.client = new EngineClient(transport)
    transport.onLink((up) => {
      if (up) void this.refreshInfo()
      else if (this.connection === 'connected') this.connection = 'disconnected'
    })
    const onStatus = (status: EngineStatus) => this.onStatus(status)
    if (desktop) desktop.onEngineStatus(onStatus)
    else this.client.on('engine.status', onStatus)
  }

  request<N extends RequestName>(
    name: N,
    params: ParamsOf<N>,
    options?: RequestOptions,
  ): Promise<ReplyOf<N>> {
    return this.client.request(name, params, options)
  }

  /** Starts a job and follows it: see `EngineClient.run`. */
  run<N extends JobRequestName>(
    name: N,
    params: ParamsOf<N>,
    options?: FollowOptions<ResultOf<N>>,
  ): Run<ResultOf<N>> {
    return this.client.run(name, params, options)
  }

  /** Follows a job already started to its end: see `EngineClient.follow`. */
  follow<R>(job: Job<R>, options?: FollowOptions<R>): Promise<Job<R>> {
    return this.client.follow(job, options)
  }

  on<E extends EventName>(name: E, listener: (payload: PayloadOf<E>) => void): () => void {
    return this.client.on(name, listener)
  }

  private onStatus(status: EngineStatus): void {
    this.restarts = status.restarts
    if (status.state === 'stopped') {
      this.connection = 'restarting'
      this.problem = status.reason ?? 'the engine stopped'
      this.info = null
    } else if (status.state === 'ready' && this.connection !== 'connected') {
      void this.refreshInfo()
    }
  }

  private async refreshInfo(): Promise<void> {
    try {
      this.info = await this.client.request('info', {}, { timeoutMs: 10_000 })
      this.connection = 'connected'
      this.problem = null
    } catch (error) {
      this.problem = (error as Error).message
    }
  }
}

export const engine = new EngineStore()
