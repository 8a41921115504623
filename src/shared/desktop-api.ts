import type { EngineStatus } from './contract'
import type { ClientMessage, EngineMessage } from './protocol'

/**
 * What the desktop preload exposes as `window.atelier`: named functions only,
 * never raw IPC. In the browser host there is no `window.atelier`.
 */
export interface DesktopApi {
  engine: {
    /** Sends a message to the engine over the brokered MessagePort. */
    send(message: ClientMessage): void
    /** Every message from the engine; returns an unsubscribe. */
    onMessage(listener: (message: EngineMessage) => void): () => void
    /** The port came (true) or went (false); returns an unsubscribe. */
    onLink(listener: (up: boolean) => void): () => void
  }
  /** Supervisor news: the engine process started, stopped or restarted; returns an unsubscribe. */
  onEngineStatus(listener: (status: EngineStatus) => void): () => void
  dialogs: {
    /** Native folder picker; resolves to the chosen absolute path or null. */
    openFolder(title?: string): Promise<string | null>
    /** Native file picker; resolves to the chosen absolute path or null. */
    openFile(title?: string, extensions?: string[]): Promise<string | null>
  }
  files: {
    /** Opens the system's file manager at `file` (an absolute path), with it selected. */
    revealInFolder(file: string): Promise<void>
    /** A dropped or picked File's absolute path (Electron's `webUtils`); null when it has none. */
    pathOf(file: File): string | null
  }
}

/** The IPC channels between preload and main: one place, no loose strings. */
export const IPC = {
  enginePort: 'engine:port',
  engineStatus: 'engine:status',
  rendererReady: 'renderer:ready',
  openFolder: 'dialog:open-folder',
  openFile: 'dialog:open-file',
  revealFile: 'shell:reveal-file',
} as const
