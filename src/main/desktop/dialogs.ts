import { dialog, ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron'
import { IPC } from '@shared/desktop-api'

/** The app's window when `event` comes from it; throws otherwise. */
export function senderWindow(
  event: IpcMainInvokeEvent,
  currentWindow: () => BrowserWindow | null,
): BrowserWindow {
  const window = currentWindow()
  if (!window || event.sender !== window.webContents) throw new Error('refused: not the app window')
  return window
}

/**
 * Native pickers for the renderer. Every handler first checks that the call
 * comes from the app's own window.
 */
export function registerDialogs(currentWindow: () => BrowserWindow | null): void {
  const fromOurWindow = (event: IpcMainInvokeEvent) => senderWindow(event, currentWindow)
  ipcMain.handle(IPC.openFolder, async (event, title: unknown) => {
    const window = fromOurWindow(event)
    const result = await dialog.showOpenDialog(window, {
      title: typeof title === 'string' ? title : 'Choose a folder',
      properties: ['openDirectory', 'createDirectory'],
    })
    return result.canceled ? null : (result.filePaths[0] ?? null)
  })
  ipcMain.handle(IPC.openFile, async (event, title: unknown, extensions: unknown) => {
    const window = fromOurWindow(event)
    const filters =
      Array.isArray(extensions) && extensions.every((e) => typeof e === 'string')
        ? [{ name: 'Files', extensions: extensions as string[] }]
        : []
    const result = await dialog.showOpenDialog(window, {
      title: typeof title === 'string' ? title : 'Choose a file',
      properties: ['openFile'],
      filters,
    })
    return result.canceled ? null : (result.filePaths[0] ?? null)
  })
}
