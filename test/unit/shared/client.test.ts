import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { EngineClient, type Transport } from '@shared/client'
import { resultOf, type Job } from '@shared/contract'
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

/** A snapshot of a training job, as the engine pushes it. */
function trainJob(state: Job['state'], updatedAt: number, result?: object): Job {
  return {
    id: 'job-1',
    kind: 'train',
    title: 'Training',
    state,
    progress: state === 'done' ? 1 : 0.5,
    message: state,
    error: state === 'failed' ? 'out of memory' : null,
    createdAt: 0,
    updatedAt,
    ...(result ? { result } : {}),
  }
}

const summary = { epochsDone: 2, steps: 10, generation: 'g1' }

describe('EngineClient.run', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('follows the job it starts to its end, every snapshot to onProgress', async () => {
    const end = fakeTransport()
    const client = new EngineClient(end.transport)
    end.link(true)
    const seen: string[] = []
    const run = client.run(
      'train.start',
      { project: '/p', epochs: 2 },
      {
        onProgress: (job) => seen.push(job.state),
      },
    )
    end.deliver({ kind: 'reply', id: end.sent[0]!.id, ok: true, result: trainJob('running', 1) })
    await expect(run.job).resolves.toMatchObject({ id: 'job-1', state: 'running' })
    end.deliver({ kind: 'event', name: 'job', payload: { ...trainJob('running', 2), id: 'other' } })
    end.deliver({ kind: 'event', name: 'job', payload: trainJob('paused', 3) })
    end.deliver({ kind: 'event', name: 'job', payload: trainJob('done', 4, summary) })
    const done = await run.done
    expect(done.result?.generation).toBe('g1')
    expect(resultOf(done)).toEqual(summary)
    expect(seen).toEqual(['paused', 'done'])
  })

  it('misses no snapshot pushed before the reply: a job may end before its id is known', async () => {
    const end = fakeTransport()
    const client = new EngineClient(end.transport)
    end.link(true)
    const run = client.run('train.start', { project: '/p', epochs: 2 })
    end.deliver({ kind: 'event', name: 'job', payload: trainJob('done', 2, summary) })
    end.deliver({ kind: 'reply', id: end.sent[0]!.id, ok: true, result: trainJob('running', 1) })
    await expect(run.done).resolves.toMatchObject({ state: 'done', result: summary })
  })

  it('rejects `job` when the engine refuses the request', async () => {
    const end = fakeTransport()
    const client = new EngineClient(end.transport)
    end.link(true)
    const run = client.run('train.start', { project: '/p', epochs: 2 })
    const error = { code: 'conflict' as const, message: "'Training' is running (job job-0)" }
    end.deliver({ kind: 'reply', id: end.sent[0]!.id, ok: false, error })
    await expect(run.job).rejects.toEqual(new EngineError('conflict', error.message))
    await expect(run.done).rejects.toMatchObject({ code: 'conflict' })
  })

  it('asks for the snapshot when a pushed one was missed, and reads a failure', async () => {
    const end = fakeTransport()
    const client = new EngineClient(end.transport)
    end.link(true)
    const done = client.follow(trainJob('running', 1))
    await vi.advanceTimersByTimeAsync(1000)
    const poll = end.sent.at(-1)!
    expect(poll).toMatchObject({ name: 'jobs.get', params: { id: 'job-1' } })
    end.deliver({ kind: 'reply', id: poll.id, ok: true, result: trainJob('failed', 5) })
    const last = await done
    expect(last.state).toBe('failed')
    expect(() => resultOf(last)).toThrow('out of memory')
  })

  it('gives up on a job the engine no longer knows (it restarted)', async () => {
    const end = fakeTransport()
    const client = new EngineClient(end.transport)
    end.link(true)
    const done = client.follow(trainJob('running', 1))
    await vi.advanceTimersByTimeAsync(1000)
    const error = { code: 'not_found' as const, message: 'No job with id job-1.' }
    end.deliver({ kind: 'reply', id: end.sent.at(-1)!.id, ok: false, error })
    await expect(done).rejects.toMatchObject({ code: 'not_found' })
  })

  it('stops following when its signal aborts', async () => {
    const end = fakeTransport()
    const client = new EngineClient(end.transport)
    end.link(true)
    const stop = new AbortController()
    const seen: string[] = []
    const done = client.follow(trainJob('running', 1), {
      signal: stop.signal,
      onProgress: (job) => seen.push(job.state),
    })
    stop.abort(new Error('panel closed'))
    await expect(done).rejects.toThrow('panel closed')
    end.deliver({ kind: 'event', name: 'job', payload: trainJob('done', 2) })
    await vi.advanceTimersByTimeAsync(5000)
    expect(seen).toEqual([])
    expect(end.sent).toHaveLength(0)
  })
})
