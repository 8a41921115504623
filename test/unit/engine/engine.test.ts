import { describe, expect, it } from 'vitest'
import type { EngineMessage } from '@shared/protocol'
import { Engine } from '../../../src/main/engine/engine'

const backend = {
  selected: 'cpu' as const,
  backends: [
    {
      name: 'cpu' as const,
      package: '@tensorflow/tfjs-backend-cpu',
      available: true,
      reason: 'test',
    },
  ],
}

async function exchange(engine: Engine, raw: unknown): Promise<EngineMessage> {
  const replies: EngineMessage[] = []
  await engine.receive(raw, (message) => replies.push(message))
  expect(replies).toHaveLength(1)
  return replies[0]!
}

describe('Engine message loop', () => {
  it('answers ping and info', async () => {
    const engine = new Engine(backend)
    expect(
      await exchange(engine, { kind: 'request', id: 1, name: 'ping', params: { echo: 'hi' } }),
    ).toMatchObject({
      id: 1,
      ok: true,
      result: { pong: true, echo: 'hi' },
    })
    const info = await exchange(engine, { kind: 'request', id: 2, name: 'info', params: {} })
    expect(info).toMatchObject({ ok: true, result: { backend: 'cpu', pid: process.pid } })
  })

  it('answers an unknown request with an error and keeps serving', async () => {
    const engine = new Engine(backend)
    expect(
      await exchange(engine, { kind: 'request', id: 3, name: 'format.disk', params: {} }),
    ).toMatchObject({
      id: 3,
      ok: false,
      error: { code: 'unknown_request' },
    })
    expect(
      await exchange(engine, { kind: 'request', id: 4, name: 'ping', params: {} }),
    ).toMatchObject({ ok: true })
  })

  it('answers malformed messages and bad params with bad_request', async () => {
    const engine = new Engine(backend)
    expect(await exchange(engine, 'not even an object')).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    })
    expect(await exchange(engine, { kind: 'request', id: 'x', name: 'ping' })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    })
    const reply = await exchange(engine, {
      kind: 'request',
      id: 5,
      name: 'jobs.get',
      params: { id: 7 },
    })
    expect(reply).toMatchObject({ id: 5, ok: false, error: { code: 'bad_request' } })
    expect(reply.kind === 'reply' && !reply.ok && reply.error.message).toContain(
      "Bad parameters for 'jobs.get'",
    )
  })

  it('broadcasts job snapshots to connected clients', async () => {
    const engine = new Engine(backend)
    const seen: EngineMessage[] = []
    const disconnect = engine.connect((message) => seen.push(message))
    const job = engine.ctx.jobs.start('ingest', { title: 'nothing' }, async () => {})
    await engine.ctx.jobs.settled(job)
    disconnect()
    expect(seen.some((m) => m.kind === 'event' && m.name === 'job')).toBe(true)
  })
})
