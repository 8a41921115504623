import { z } from 'zod'
import { event, request } from './define'

/** The compute backends, fastest first (DESIGN.md, "Compute backends"). */
export const BACKENDS = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const
export type BackendName = (typeof BACKENDS)[number]

export interface BackendStatus {
  name: BackendName
  /** The npm package that provides it. */
  package: string
  available: boolean
  /** Why it is unavailable, or a note on how it runs (e.g. "SIMD, 2 threads"). */
  reason: string
}

export interface EngineInfo {
  app: string
  version: string
  /** The engine's process id, so a supervisor or a test can find it. */
  pid: number
  node: string
  platform: string
  arch: string
  /** The backend in use. */
  backend: BackendName
  /** Every backend with whether it can be used here and why not. */
  backends: BackendStatus[]
  /** Where the app keeps its own files (the demo project, settings). */
  dataDir: string
  startedAt: number
}

export const engineRequests = {
  info: request<EngineInfo>()(z.object({}).strict()),
  ping: request<{ pong: true; at: number; echo?: string }>()(
    z.object({ echo: z.string().max(10_000).optional() }).strict(),
  ),
}

/** Supervisor (Electron main or web host) to UI: the engine's process came or went. */
export interface EngineStatus {
  state: 'starting' | 'ready' | 'stopped'
  /** Why it stopped, in words, e.g. "exited with signal SIGKILL"; restarts follow. */
  reason?: string
  restarts: number
}

export const engineEvents = {
  'engine.status': event<EngineStatus>(),
}
