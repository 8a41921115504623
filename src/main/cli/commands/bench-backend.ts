import type { Engine } from '../../engine/engine'

/** What the engine found about the backend in use: on webgpu, the adapter's name. */
export function backendNote(engine: Engine, backend: string): string {
  return engine.ctx.backend.backends.find((b) => b.name === backend)?.reason ?? backend
}
