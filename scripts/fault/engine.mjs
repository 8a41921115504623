/**
 * A real engine process (out/main/engine.js, so build first), forked as the browser host forks
 * it: one IPC channel, messages wrapped with a connection id.
 */
import { fork } from 'node:child_process'
import { resolve } from 'node:path'

export const REPO = resolve(import.meta.dirname, '../..')
export const ENGINE_ENTRY = resolve(REPO, 'out/main/engine.js')

/** Starts an engine; resolves once it says it is ready. */
export async function startEngine({ dataDir, env = {} } = {}) {
  const child = fork(ENGINE_ENTRY, [], {
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: {
      ...process.env,
      ATELIER_BACKEND: 'wasm',
      ATELIER_WASM_THREADS: '1',
      ATELIER_APP: 'atelier chaos',
      ...(dataDir ? { ATELIER_DATA_DIR: dataDir } : {}),
      ...env,
    },
  })
  let stderr = ''
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)))
  const pending = new Map()
  const listeners = new Set()
  let nextId = 1
  const exited = new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })))
  child.on('message', (raw) => {
    const message = raw?.message
    if (!message) return
    const key = `${raw.conn}:${message.id}`
    if (message.kind === 'reply' && pending.has(key)) {
      const { resolve: ok, reject } = pending.get(key)
      pending.delete(key)
      if (message.ok) ok(message.result)
      else reject(Object.assign(new Error(message.error.message), { code: message.error.code }))
    }
    for (const listener of listeners) listener(message, raw.conn)
  })
  void exited.then(() => {
    for (const { reject } of pending.values()) reject(new Error(`the engine exited: ${stderr}`))
    pending.clear()
  })
  await new Promise((ready, failed) => {
    child.on('message', function onReady(raw) {
      if (raw?.ready) {
        child.off('message', onReady)
        ready()
      }
    })
    void exited.then(({ code, signal }) =>
      failed(new Error(`the engine exited before it was ready (${code ?? signal}): ${stderr}`)),
    )
  })
  return {
    pid: child.pid,
    /** Sends anything on the channel, as a host would (the fuzzer's way in). */
    sendRaw: (envelope) => {
      if (envelope === undefined || !child.connected) return false
      return child.send(envelope)
    },
    request(name, params, conn = 'chaos') {
      const id = nextId++
      const reply = new Promise((ok, reject) =>
        pending.set(`${conn}:${id}`, { resolve: ok, reject }),
      )
      child.send({ conn, message: { kind: 'request', id, name, params } })
      return reply
    },
    on(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    alive: () => child.exitCode === null && child.signalCode === null,
    exited,
    stderr: () => stderr,
    kill(signal = 'SIGKILL') {
      child.kill(signal)
      return exited
    },
  }
}

/** Waits for a job to finish in `engine`; resolves with its last snapshot. */
export async function jobSettled(engine, id, timeoutMs = 600_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const job = await engine.request('jobs.get', { id })
    if (['done', 'failed', 'cancelled'].includes(job.state)) return job
    if (Date.now() > deadline) throw new Error(`job ${id} (${job.title}) did not finish in time`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
