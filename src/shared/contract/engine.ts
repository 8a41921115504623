import { z } from 'zod'
import { event, request } from './define'
import { absolutePath } from './params'

/** The compute backends, fastest first (DESIGN.md, "Compute backends"). */
export const BACKENDS = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'] as const
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

/** One level of the browser host's folder picker (see `folders.list`). */
export interface FolderListing {
  /** The artist's home folder (real path): the picker never goes above it. */
  home: string
  /** The folder listed (real path). */
  dir: string
  /** Its name for a heading: '~' for home. */
  name: string
  /** The folder above, or null at home. */
  parent: string | null
  /** Its sub-folders, by name; symlinks leading out of home are left out. */
  folders: { name: string; path: string }[]
  /** More sub-folders than a listing holds: the rest are not shown. */
  truncated: boolean
}

export const engineRequests = {
  info: request<EngineInfo>()(z.object({}).strict()),
  ping: request<{ pong: true; at: number; echo?: string }>()(
    z.object({ echo: z.string().max(10_000).optional() }).strict(),
  ),
  /**
   * The folder picker of the browser host, where no native dialog exists: the
   * sub-folders of `dir` (default: the home folder). Refuses any folder outside
   * home, a symlink out of it included.
   */
  'folders.list': request<FolderListing>()(
    z.object({ dir: absolutePath.optional(), hidden: z.boolean().default(false) }).strict(),
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
