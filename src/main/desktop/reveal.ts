import { isAbsolute } from 'node:path'
import { ipcMain, shell, type BrowserWindow } from 'electron'
import { IPC } from '@shared/desktop-api'
import { senderWindow } from './dialogs'

/** "Show in folder" for an exported file: the system's file manager, with the file selected. */
export function registerReveal(currentWindow: () => BrowserWindow | null): void {
  ipcMain.handle(IPC.revealFile, (event, file: unknown) => {
    senderWindow(event, currentWindow)
    if (typeof file !== 'string' || !isAbsolute(file)) {
      throw new Error(`refused: ${String(file)} is not an absolute file path`)
    }
    shell.showItemInFolder(file)
  })
}
