import { EngineClient, type Transport } from '@shared/client'
import type { EngineMessage } from '@shared/protocol'
import type { Engine } from '../engine/engine'

/**
 * The CLI's link to the engine in its own process: the renderer's EngineClient, with the engine
 * where a port or a socket would be. Always up; requests never time out (nothing is lost between).
 */
export function inProcessClient(engine: Engine): EngineClient {
  const listeners = new Set<(message: EngineMessage) => void>()
  const deliver = (message: EngineMessage) => listeners.forEach((listener) => listener(message))
  engine.connect(deliver)
  const transport: Transport = {
    send: (message) => void engine.receive(message, deliver),
    onMessage: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    onLink: (listener) => {
      listener(true)
      return () => {}
    },
  }
  return new EngineClient(transport, Infinity)
}
