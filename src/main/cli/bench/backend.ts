import type { EngineClient } from '@shared/client'

/** What the engine found about the backend in use: on webgpu, the adapter's name. */
export async function backendNote(engine: EngineClient, backend: string): Promise<string> {
  const { backends } = await engine.request('info', {})
  return backends.find((b) => b.name === backend)?.reason ?? backend
}
