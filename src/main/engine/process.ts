/**
 * The engine's process entry. Plain Node, no Electron import: it runs as an
 * Electron utilityProcess (connections arrive as MessagePorts) or as a child
 * process of the web host (one channel, messages wrapped with a connection id).
 */
import { BACKENDS, type BackendName } from '@shared/contract'
import type {
  ConnEnvelope,
  ConnectEnvelope,
  EngineEnvelope,
  EngineMessage,
  ReadyEnvelope,
} from '@shared/protocol'
import { selectBackend } from './backend/select'
import { Engine } from './engine'

interface PortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): void
  postMessage(message: unknown): void
  start(): void
}

interface ParentPort {
  /** Main's only message: a ConnectEnvelope carrying the new connection's port. */
  on(
    event: 'message',
    listener: (event: { data: ConnectEnvelope; ports: PortLike[] }) => void,
  ): void
  postMessage(message: ReadyEnvelope): void
}

async function main(): Promise<void> {
  const forced = process.env.ATELIER_BACKEND
  if (forced !== undefined && forced !== '' && !BACKENDS.includes(forced as BackendName)) {
    throw new Error(
      `ATELIER_BACKEND='${forced}' is not a backend; use one of ${BACKENDS.join(', ')}.`,
    )
  }
  const engine = new Engine(await selectBackend((forced || undefined) as BackendName | undefined))
  stopTrainingBeforeExit(engine)
  const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort
  if (parentPort) serveUtilityProcess(engine, parentPort)
  else if (process.send) serveChildProcess(engine)
  else throw new Error('The engine must be started by the app (Electron or the web host).')
}

/** How long a stopping engine waits for a training's checkpoint before it exits anyway. */
const EXIT_GRACE_MS = 30_000

/**
 * The app closing (SIGTERM from Electron or the web host, Ctrl-C in the host's terminal, which
 * reaches this process too, or the host's channel closing) stops any training with a checkpoint
 * of its current step first, so a resume loses no step.
 */
function stopTrainingBeforeExit(engine: Engine): void {
  let exiting = false
  const exit = () => {
    if (exiting) return
    exiting = true
    setTimeout(() => process.exit(0), EXIT_GRACE_MS).unref()
    void engine.stopTraining().finally(() => process.exit(0))
  }
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, exit)
  process.on('disconnect', exit)
}

/** Electron: main hands over one MessagePort per renderer; each is a connection. */
function serveUtilityProcess(engine: Engine, parentPort: ParentPort): void {
  parentPort.on('message', ({ ports }) => {
    for (const port of ports) {
      const send = (message: EngineMessage) => port.postMessage(message)
      engine.connect(send)
      port.on('message', ({ data }) => void engine.receive(data, send))
      port.start()
    }
  })
  parentPort.postMessage({ ready: true } satisfies ReadyEnvelope)
}

/** Web host: one IPC channel (structured-clone serialisation) carrying every socket's messages. */
function serveChildProcess(engine: Engine): void {
  const sendTo = (conn: string) => (message: EngineMessage) =>
    process.send?.({ conn, message } satisfies EngineEnvelope)
  engine.connect(sendTo('*'))
  process.on('message', (raw) => {
    // Anything else on the channel (null, a number) is not the host's: dropped, never a crash.
    const { conn, message } = (raw ?? {}) as ConnEnvelope<unknown>
    if (typeof conn === 'string') void engine.receive(message, sendTo(conn))
  })
  process.send?.({ ready: true } satisfies EngineEnvelope)
}

main().catch((error: unknown) => {
  console.error(`Engine failed to start: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
