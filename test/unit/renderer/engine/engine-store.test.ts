import { describe, expect, it, vi } from 'vitest'
import type { Transport } from '@shared/client'
import type { ClientMessage, EngineMessage } from '@shared/protocol'

/** The web host's socket, played by the test: what the client sent, and a way to answer. */
const socket = vi.hoisted(() => ({
  url: '',
  sent: [] as ClientMessage[],
  deliverers: [] as ((message: EngineMessage) => void)[],
  linkers: [] as ((up: boolean) => void)[],
  deliver(message: EngineMessage) {
    for (const listener of this.deliverers) listener(message)
  },
  link(up: boolean) {
    for (const listener of this.linkers) listener(up)
  },
}))
vi.mock('../../../../src/renderer/src/engine/transports', () => ({
  desktopTransport: () => {
    throw new Error('not the desktop')
  },
  webSocketTransport: (url: string): Transport => {
    socket.url = url
    return {
      send: (message) => void socket.sent.push(message),
      onMessage: (listener) => (socket.deliverers.push(listener), () => {}),
      onLink: (listener) => (socket.linkers.push(listener), () => {}),
    }
  },
}))
// The browser host's page: no desktop bridge, the token in the address.
vi.stubGlobal('window', {})
vi.stubGlobal('location', { search: '?token=a b', protocol: 'http:', host: '127.0.0.1:5000' })
const { engine } = await import('../../../../src/renderer/src/engine/engine.svelte')

/** Answers the last request the client sent. */
function reply(result: unknown): void {
  const request = socket.sent.at(-1)!
  socket.deliver({ kind: 'reply', id: request.id, ok: true, result })
}

describe('the engine store in the browser', () => {
  it('connects over the host’s socket with the page’s token, and is connected once info answers', async () => {
    expect(engine.mode).toBe('browser')
    expect(socket.url).toBe('ws://127.0.0.1:5000/engine?token=a%20b')
    expect(engine.connection).toBe('connecting')
    socket.link(true)
    await vi.waitFor(() => expect(socket.sent.at(-1)?.name).toBe('info'))
    reply({ app: 'latent-atelier', backend: 'wasm' })
    await vi.waitFor(() => expect(engine.connection).toBe('connected'))
    expect(engine.info).toMatchObject({ backend: 'wasm' })
  })

  it('says why the engine stopped, and connects again when it is ready', async () => {
    socket.deliver({
      kind: 'event',
      name: 'engine.status',
      payload: { state: 'stopped', reason: 'exited with signal SIGKILL', restarts: 1 },
    })
    expect(engine.connection).toBe('restarting')
    expect(engine.problem).toBe('exited with signal SIGKILL')
    expect(engine.info).toBeNull()
    expect(engine.restarts).toBe(1)
    socket.deliver({
      kind: 'event',
      name: 'engine.status',
      payload: { state: 'ready', restarts: 1 },
    })
    await vi.waitFor(() => expect(socket.sent.at(-1)?.name).toBe('info'))
    reply({ app: 'latent-atelier', backend: 'wasm' })
    await vi.waitFor(() => expect(engine.connection).toBe('connected'))
    expect(engine.problem).toBeNull()
  })

  it('is disconnected when the socket drops', () => {
    socket.link(false)
    expect(engine.connection).toBe('disconnected')
  })
})
