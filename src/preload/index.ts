/// <reference lib="dom" />
/**
 * The desktop preload: receives the engine's MessagePort from main and exposes
 * `window.atelier` as named functions (see DesktopApi); never raw ipcRenderer.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron'
import type { EngineStatus } from '@shared/contract'
import { IPC, type DesktopApi } from '@shared/desktop-api'
import type { ClientMessage, EngineMessage } from '@shared/protocol'

let port: MessagePort | null = null
const messageListeners = new Set<(message: EngineMessage) => void>()
const linkListeners = new Set<(up: boolean) => void>()

ipcRenderer.on(IPC.enginePort, (event) => {
  port?.close()
  port = event.ports[0] ?? null
  if (!port) return
  port.onmessage = ({ data }) =>
    messageListeners.forEach((listener) => listener(data as EngineMessage))
  port.start()
  linkListeners.forEach((listener) => listener(true))
})

ipcRenderer.on(IPC.engineStatus, (_event, status: EngineStatus) => {
  if (status.state === 'stopped') {
    port?.close()
    port = null
    linkListeners.forEach((listener) => listener(false))
  }
})

function subscribe<T>(set: Set<T>, listener: T): () => void {
  set.add(listener)
  return () => set.delete(listener)
}

const api: DesktopApi = {
  engine: {
    send: (message: ClientMessage) => {
      if (!port) throw new Error('the engine is not connected')
      port.postMessage(message)
    },
    onMessage: (listener) => subscribe(messageListeners, listener),
    onLink: (listener) => {
      const unsubscribe = subscribe(linkListeners, listener)
      if (port) listener(true)
      return unsubscribe
    },
  },
  onEngineStatus: (listener) => {
    const handler = (_event: unknown, status: EngineStatus) => listener(status)
    ipcRenderer.on(IPC.engineStatus, handler)
    return () => ipcRenderer.off(IPC.engineStatus, handler)
  },
  dialogs: {
    openFolder: (title) => ipcRenderer.invoke(IPC.openFolder, title) as Promise<string | null>,
    openFile: (title, extensions) =>
      ipcRenderer.invoke(IPC.openFile, title, extensions) as Promise<string | null>,
  },
  files: {
    revealInFolder: (file) => ipcRenderer.invoke(IPC.revealFile, file) as Promise<void>,
    pathOf: (file) => webUtils.getPathForFile(file) || null,
  },
}

contextBridge.exposeInMainWorld('atelier', api)
ipcRenderer.send(IPC.rendererReady)
