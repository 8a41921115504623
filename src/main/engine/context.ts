import type { EventName, ParamsOf, PayloadOf, ReplyOf, RequestName } from '@shared/contract'
import type { BackendReport } from './backend/select'
import type { JobRegistry } from './jobs/registry'

/** What every request handler can reach: the engine's shared state and its voice. */
export interface EngineContext {
  readonly jobs: JobRegistry
  readonly backend: BackendReport
  readonly startedAt: number
  /** Where the app keeps its own files (ATELIER_DATA_DIR, else ~/.latent-atelier). */
  readonly dataDir: string
  /** Serves a request as a client's would be, params validated: how one handler asks another. */
  call<N extends RequestName>(name: N, params: ParamsOf<N>): Promise<ReplyOf<N>>
  /** Sends an event to every connected client. */
  emit<E extends EventName>(name: E, payload: PayloadOf<E>): void
}
