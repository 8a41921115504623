import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { EngineClient, type Transport } from '@shared/client'
import { EngineError, type ClientMessage, type EngineMessage } from '@shared/protocol'

/** A transport whose other end the test plays. */
function fakeTransport() {
  const sent: ClientMessage[] = []
  let deliver: (message: EngineMessage) => void = () => {}
  let link: (up: boolean) => void = () => {}
  const transport: Transport = {
    send: (message) => void sent.push(message),
    onMessage: (listener) => {
      deliver = listener
      return () => {}
    },
    onLink: (listener) => {
      link = listener
      return () => {}
    },
  }
  return {
    transport,
    sent,
    deliver: (m: EngineMessage) => deliver(m),
    link: (up: boolean) => link(up),
  }
}

describe('EngineClient', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('matches replies to requests by id, whatever their order', async () => {
    const end = fakeTransport()
    const client = new EngineClient(end.transport)
    end.link(true)
    const first = client.request('ping', { echo: 'one' })
    const second = client.request('ping', { echo: 'two' })
    const [a, b] = end.sent
    end.deliver({ kind: 'reply', id: b!.id, ok: true, result: { pong: true, at: 2, echo: 'two' } })
    end.deliver({ kind: 'reply', id: a!.id, ok: true, result: { pong: true, at: 1, echo: 'one' } })
    await expect(first).resolves.toMatchObject({ echo: 'one' })
    await expect(second).resolves.toMatchObject({ echo: 'two' })
  })

  it('turns an error reply into an EngineError with its code', async () => {
    const end = fakeTransport()
    const client = new EngineClient(end.transport)
    end.link(true)
    const reply = client.request('jobs.get', { id: 'nope' })
    end.deliver({
      kind: 'reply',
      id: end.sent[0]!.id,
      ok: false,
      error: { code: 'not_found', message: 'No job with id nope.' },
    })
    await expect(reply).rejects.toEqual(new EngineError('not_found', 'No job with id nope.'))
  })

  it('times a request out and ignores its late reply', async () => {
    const end = fakeTransport()
    const client = new EngineClient(end.transport)
    end.link(true)
    const reply = client.request('info', {}, { timeoutMs: 1000 })
    vi.advanceTimersByTime(1001)
    await expect(reply).rejects.toMatchObject({ code: 'timeout' })
    expect(() =>
      end.deliver({ kind: 'reply', id: end.sent[0]!.id, ok: true, result: {} }),
    ).not.toThrow()
  })

  it('fails what is in flight when the link drops', async () => {
    const end = fakeTransport()
    const client = new EngineClient(end.transport)
    end.link(true)
    const reply = client.request('info', {})
    end.link(false)
    await expect(reply).rejects.toMatchObject({ code: 'disconnected' })
  })

  it('holds requests made before the link is up and sends them once it is', async () => {
    const end = fakeTransport()
    const client = new EngineClient(end.transport)
    const reply = client.request('ping', {})
    expect(end.sent).toHaveLength(0)
    end.link(true)
    expect(end.sent).toHaveLength(1)
    end.deliver({ kind: 'reply', id: end.sent[0]!.id, ok: true, result: { pong: true, at: 1 } })
    await expect(reply).resolves.toMatchObject({ pong: true })
  })

  it('delivers events to subscribers until they unsubscribe', () => {
    const end = fakeTransport()
    const client = new EngineClient(end.transport)
    end.link(true)
    const seen: string[] = []
    const unsubscribe = client.on('engine.status', (status) => seen.push(status.state))
    end.deliver({ kind: 'event', name: 'engine.status', payload: { state: 'ready', restarts: 0 } })
    unsubscribe()
    end.deliver({
      kind: 'event',
      name: 'engine.status',
      payload: { state: 'stopped', restarts: 1 },
    })
    expect(seen).toEqual(['ready'])
  })
})
