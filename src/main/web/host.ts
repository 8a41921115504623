import { fork, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import { LIMITS, overLimit, type EngineStatus } from '@shared/contract'
import {
  isReadyEnvelope,
  type ConnEnvelope,
  type EngineMessage,
  type ErrorCode,
  type RequestMessage,
} from '@shared/protocol'
import { EXPORT_FILE_ROUTE } from '@shared/web-routes'
import { decodeFrame, encodeFrame } from '@shared/wire'
import { EngineSupervisor, exitReason } from '../supervisor/engine-supervisor'
import { serveExportFile } from './export-route'
import { serveStatic } from './static'
import { newToken, sameToken, TOKEN_COOKIE, tokenOf } from './token'

export interface WebHostOptions {
  /** The built renderer (out/renderer). */
  rendererDir: string
  /** The built engine entry (out/main/engine.js). */
  engineEntry: string
  /** 0 picks a free port. */
  port?: number
  /** Passed to the engine as ATELIER_DATA_DIR. */
  dataDir?: string
  /** Extra environment for the engine (e.g. ATELIER_BACKEND). */
  engineEnv?: Record<string, string>
}

export interface WebHost {
  url: string
  token: string
  port: number
  engineStatus(): EngineStatus
  close(): Promise<void>
}

const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data: blob:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; " +
  "base-uri 'none'; frame-ancestors 'none'; form-action 'none'"

/** At most this many requests wait for a (re)starting engine; more are refused at once. */
const MAX_HELD = 1000

interface Socket {
  ws: WebSocket
  /** Requests sent to the engine and not yet answered, so a crash can fail them at once. */
  inFlight: Map<number, string>
}

/**
 * The browser host: the built renderer over HTTP and a WebSocket bridged to an
 * engine child process, on 127.0.0.1 only, every request and socket gated by a
 * per-run token.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = newToken()
  const sockets = new Map<string, Socket>()
  /** Requests that came while the engine was starting; their clients' timeouts still run. */
  const held: { conn: string; message: RequestMessage }[] = []
  let port = 0

  const supervisor = new EngineSupervisor<ChildProcess>({
    spawn: (exited) => {
      const child = fork(options.engineEntry, [], {
        serialization: 'advanced',
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: {
          ATELIER_APP: 'the browser host (npm run web)',
          ...process.env,
          ...options.engineEnv,
          ...(options.dataDir ? { ATELIER_DATA_DIR: options.dataDir } : {}),
        },
      })
      child.on('exit', (code, signal) => exited(exitReason(code, signal)))
      // 'error' also comes when a request is written to an engine that has just died (EPIPE);
      // its 'exit' follows and says why, so only a process that never started is reported here.
      child.on('error', (error) => {
        if (child.pid === undefined) exited(`the engine could not be started: ${error.message}`)
      })
      child.on('message', (raw) => fromEngine(raw))
      return child
    },
    onStatus: (status) => {
      if (status.state === 'stopped') failInFlight(status.reason ?? 'the engine stopped')
      broadcast({ kind: 'event', name: 'engine.status', payload: status })
    },
  })

  function fromEngine(raw: unknown): void {
    if (isReadyEnvelope(raw)) {
      supervisor.ready()
      // Requests that arrived while the engine was (re)starting are served now.
      for (const { conn, message } of held.splice(0)) {
        const socket = sockets.get(conn)
        if (socket) toEngine(conn, socket, message)
      }
      return
    }
    const { conn, message } = raw as Partial<ConnEnvelope<EngineMessage>>
    if (!message || typeof conn !== 'string') return
    if (conn === '*') return broadcast(message)
    const socket = sockets.get(conn)
    if (!socket) return
    if (message.kind === 'reply') socket.inFlight.delete(message.id)
    sendTo(socket, message)
  }

  function toEngine(conn: string, socket: Socket, message: RequestMessage): void {
    if (typeof message?.id === 'number') socket.inFlight.set(message.id, String(message.name))
    supervisor.process?.send({ conn, message } satisfies ConnEnvelope<RequestMessage>)
  }

  function failInFlight(reason: string): void {
    for (const socket of sockets.values()) {
      for (const [id, name] of socket.inFlight) {
        sendTo(socket, {
          kind: 'reply',
          id,
          ok: false,
          error: {
            code: 'disconnected',
            message: `The engine stopped while answering '${name}' (${reason}); it is restarting, try again in a moment.`,
          },
        })
      }
      socket.inFlight.clear()
    }
  }

  function broadcast(message: EngineMessage): void {
    for (const socket of sockets.values()) sendTo(socket, message)
  }

  function sendTo(socket: Socket, message: EngineMessage): void {
    if (socket.ws.readyState === socket.ws.OPEN) socket.ws.send(encodeFrame(message))
  }

  /** Refuses requests not meant for this host: wrong Host (DNS rebinding) or a missing/wrong token. */
  function allowed(req: IncomingMessage): boolean {
    const host = req.headers.host ?? ''
    const hostOk = host === `127.0.0.1:${port}` || host === `localhost:${port}`
    return hostOk && sameToken(tokenOf(req), token)
  }

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (!allowed(req)) {
      res.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8' })
      res.end('Unauthorized: open the URL with the token that `npm run web` printed.\n')
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end()
      return
    }
    res.setHeader('Content-Security-Policy', CSP)
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.setHeader('Referrer-Policy', 'no-referrer')
    res.setHeader('Set-Cookie', `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`)
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname === EXPORT_FILE_ROUTE) void serveExportFile(url.searchParams, res)
    else void serveStatic(options.rendererDir, url.pathname, res)
  })

  // Frames up to twice the limit are read and answered with an error naming it; larger ones close the socket.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 2 * LIMITS.requestBytes })
  server.on('upgrade', (req, socket, head) => {
    const origin = req.headers.origin
    const originOk =
      origin === undefined ||
      origin === `http://127.0.0.1:${port}` ||
      origin === `http://localhost:${port}`
    const path = new URL(req.url ?? '/', 'http://localhost').pathname
    if (!allowed(req) || !originOk || path !== '/engine') {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => connect(ws))
  })

  function connect(ws: WebSocket): void {
    const conn = randomUUID()
    const entry: Socket = { ws, inFlight: new Map() }
    sockets.set(conn, entry)
    sendTo(entry, { kind: 'event', name: 'engine.status', payload: supervisor.state })
    ws.on('message', (data, isBinary) => {
      const tooLarge = overLimit('requestBytes', byteLength(data))
      if (tooLarge) {
        sendTo(entry, refusal(-1, 'bad_request', `The request frame is ${tooLarge}.`))
        return
      }
      let message: RequestMessage
      try {
        if (!isBinary) throw new Error('a text frame')
        message = decodeFrame(toBytes(data)) as RequestMessage
      } catch (error) {
        // Answered, not dropped: the socket and the engine go on serving.
        const why = error instanceof Error ? error.message : String(error)
        sendTo(
          entry,
          refusal(-1, 'bad_request', `Malformed frame (${why}): expected a binary engine frame.`),
        )
        return
      }
      const id = typeof message?.id === 'number' ? message.id : -1
      if (supervisor.state.state === 'ready') toEngine(conn, entry, message)
      else if (held.length < MAX_HELD) held.push({ conn, message })
      else
        sendTo(
          entry,
          refusal(id, 'disconnected', 'The engine is restarting; try again in a moment.'),
        )
    })
    ws.on('close', () => sockets.delete(conn))
  }

  supervisor.start()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  port = (server.address() as AddressInfo).port

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    token,
    port,
    engineStatus: () => supervisor.state,
    close: async () => {
      supervisor.stop()
      for (const socket of sockets.values()) socket.ws.terminate()
      wss.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function byteLength(data: Buffer | ArrayBuffer | Buffer[]): number {
  return Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength
}

function refusal(id: number, code: ErrorCode, message: string): EngineMessage {
  return { kind: 'reply', id, ok: false, error: { code, message } }
}

function toBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data)
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data
}
