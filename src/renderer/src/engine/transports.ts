import type { Transport } from '@shared/client'
import type { DesktopApi } from '@shared/desktop-api'
import type { EngineMessage } from '@shared/protocol'
import { decodeFrame, encodeFrame } from '@shared/wire'

type Listener<T> = (value: T) => void

/** Desktop: the MessagePort the preload received from main. */
export function desktopTransport(api: DesktopApi): Transport {
  return {
    send: (message) => api.engine.send(message),
    onMessage: (listener) => api.engine.onMessage(listener),
    onLink: (listener) => api.engine.onLink(listener),
  }
}

/**
 * Browser: a WebSocket to the web host (binary frames, see shared/wire.ts),
 * reconnecting with a growing delay while the host is away.
 */
export function webSocketTransport(url: string): Transport {
  const messageListeners = new Set<Listener<EngineMessage>>()
  const linkListeners = new Set<Listener<boolean>>()
  let socket: WebSocket | null = null
  let retryMs = 250

  const open = () => {
    const ws = new WebSocket(url)
    ws.binaryType = 'arraybuffer'
    ws.onopen = () => {
      socket = ws
      retryMs = 250
      linkListeners.forEach((l) => l(true))
    }
    ws.onmessage = (event) => {
      const message = decodeFrame(new Uint8Array(event.data as ArrayBuffer)) as EngineMessage
      messageListeners.forEach((l) => l(message))
    }
    ws.onclose = () => {
      if (socket === ws) {
        socket = null
        linkListeners.forEach((l) => l(false))
      }
      setTimeout(open, retryMs)
      retryMs = Math.min(retryMs * 2, 5000)
    }
  }
  open()

  return {
    send: (message) => {
      if (!socket) throw new Error('the app server is not connected')
      socket.send(encodeFrame(message))
    },
    onMessage: (listener) => {
      messageListeners.add(listener)
      return () => messageListeners.delete(listener)
    },
    onLink: (listener) => {
      linkListeners.add(listener)
      if (socket) listener(true)
      return () => linkListeners.delete(listener)
    },
  }
}
