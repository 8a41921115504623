/**
 * Electron main: one window, the engine as a utilityProcess, a MessagePort
 * brokered between them so bulk data never passes through main, dialogs and
 * the app menu. No heavy work happens here.
 */
import { join } from 'node:path'
import {
  app,
  BrowserWindow,
  ipcMain,
  Menu,
  MessageChannelMain,
  session,
  shell,
  utilityProcess,
} from 'electron'
import { IPC } from '@shared/desktop-api'
import { isReadyEnvelope, type ConnectEnvelope } from '@shared/protocol'
import { EngineSupervisor, exitReason } from './supervisor/engine-supervisor'
import { registerDialogs } from './desktop/dialogs'
import { buildMenu } from './desktop/menu'
import { registerReveal } from './desktop/reveal'
import { hardenSession, hardenWindow, RENDERER_CSP } from './desktop/security'

type Engine = ReturnType<typeof utilityProcess.fork>

let window: BrowserWindow | null = null
let rendererReady = false

const supervisor = new EngineSupervisor<Engine>({
  spawn: (exited) => {
    const engine = utilityProcess.fork(join(__dirname, 'engine.js'), [], {
      serviceName: 'Latent Atelier engine',
      stdio: 'inherit',
      env: {
        ...process.env,
        ATELIER_APP: 'the desktop app',
        ATELIER_DATA_DIR: app.getPath('userData'),
        ATELIER_RESOURCES_DIR: app.isPackaged
          ? join(process.resourcesPath, 'resources')
          : join(app.getAppPath(), 'resources'),
      },
    })
    engine.on('exit', (code) => exited(exitReason(code, null)))
    engine.on('message', (message: unknown) => {
      if (isReadyEnvelope(message)) {
        supervisor.ready()
        brokerPort()
      }
    })
    return engine
  },
  onStatus: (status) => window?.webContents.send(IPC.engineStatus, status),
})

/** Gives the renderer and the engine the two ends of a fresh MessageChannel. */
function brokerPort(): void {
  const engine = supervisor.process
  if (!window || !rendererReady || !engine || supervisor.state.state !== 'ready') return
  const { port1, port2 } = new MessageChannelMain()
  engine.postMessage({ connect: true } satisfies ConnectEnvelope, [port1])
  window.webContents.postMessage(IPC.enginePort, null, [port2])
}

function createWindow(): void {
  window = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    title: 'Latent Atelier',
    backgroundColor: '#15161a',
    show: false,
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  })
  hardenWindow(window)
  window.once('ready-to-show', () => window?.show())
  window.on('closed', () => {
    window = null
    rendererReady = false
  })
  window.webContents.on('did-start-loading', () => {
    rendererReady = false
  })
  if (process.env.ELECTRON_RENDERER_URL) void window.loadURL(process.env.ELECTRON_RENDERER_URL)
  else void window.loadFile(join(__dirname, '../renderer/index.html'))
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', () => {
    if (window?.isMinimized()) window.restore()
    window?.focus()
  })
  app.whenReady().then(() => {
    hardenSession(session.defaultSession, RENDERER_CSP)
    registerDialogs(() => window)
    registerReveal(() => window)
    ipcMain.on(IPC.rendererReady, (event) => {
      if (event.sender !== window?.webContents) return
      rendererReady = true
      event.sender.send(IPC.engineStatus, supervisor.state)
      brokerPort()
    })
    Menu.setApplicationMenu(buildMenu(shell))
    supervisor.start()
    createWindow()
  })
  app.on('window-all-closed', () => {
    supervisor.stop()
    app.quit()
  })
}
