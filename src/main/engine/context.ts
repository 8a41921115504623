import type { EventName, PayloadOf } from '@shared/contract'
import type { BackendReport } from './backend/select'
import type { JobRegistry } from './jobs/registry'

/** What every request handler can reach: the engine's shared state and its voice. */
export interface EngineContext {
  readonly jobs: JobRegistry
  readonly backend: BackendReport
  readonly startedAt: number
  /** Sends an event to every connected client. */
  emit<E extends EventName>(name: E, payload: PayloadOf<E>): void
}
