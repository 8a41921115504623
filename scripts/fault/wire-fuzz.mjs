#!/usr/bin/env node
/**
 * Wire fuzzer: seeded random, truncated, oversized and wrongly typed frames and requests against
 * a real engine process (its IPC channel) and the browser host (HTTP, WebSocket upgrades, frames),
 * on loopback only, bounded in count and time. Each must be answered with an error while both keep
 * serving; the engine's peak memory is reported.
 *   node scripts/fault/wire-fuzz.mjs [--frames 2000] [--seed 1] [--seconds 120] [--json]
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import WebSocket from 'ws'
import { REPO, startEngine } from './engine.mjs'
import { memoryOf, seeded } from './random.mjs'

/** Names the engine serves, and some it does not. */
const NAMES = [
  'ping',
  'info',
  'folders.list',
  'jobs.list',
  'jobs.get',
  'jobs.cancel',
  'dataset.info',
  'dataset.thumbnails',
  'map.status',
  'map.points',
  'map.neighbours',
  'create.render',
  'create.export',
  'model.decode',
  'project.check',
  'workspace.get',
  'workspace.save',
  'train.status',
  'nope',
  '',
  '__proto__',
  'constructor',
  'toString',
]

/** A random JSON-ish value of the wrong type, nested at most `depth` deep. */
function junk(r, depth = 3) {
  const kind = r.int(0, depth > 0 ? 9 : 6)
  switch (kind) {
    case 0:
      return null
    case 1:
      return r.int(-(2 ** 31), 2 ** 31)
    case 2:
      return r.pick([NaN, Infinity, -0, 1e308, -1e-308, Number.MAX_SAFE_INTEGER + 2])
    case 3:
      return r.pick(['', 'x', '/etc/passwd', '../../..', '\u0000', 'é'.repeat(r.int(1, 300))])
    case 4:
      return r.chance(0.5)
    case 5:
      return undefined
    case 6:
      return r.pick([{}, [], { project: '/tmp' }, { project: 'relative' }])
    case 7:
      return Array.from({ length: r.int(0, 6) }, () => junk(r, depth - 1))
    default: {
      const out = {}
      for (let i = 0; i < r.int(0, 5); i++)
        out[r.pick(['project', 'id', 'spec', 'recipe', 'kind', 'x', '__proto__'])] = junk(
          r,
          depth - 1,
        )
      return out
    }
  }
}

/** A request message, wrongly typed in some part, or not a request at all. */
function fuzzMessage(r, id) {
  const shape = r.int(0, 5)
  if (shape === 0) return junk(r)
  if (shape === 1)
    return {
      kind: r.pick(['request', 'reply', 'event', 5]),
      id: junk(r),
      name: r.pick(NAMES),
      params: junk(r),
    }
  if (shape === 2) return { kind: 'request', id, name: r.pick(NAMES), params: junk(r) }
  if (shape === 3) return { kind: 'request', id, name: 'x'.repeat(r.int(100, 5000)), params: {} }
  if (shape === 4)
    return { kind: 'request', id, name: 'ping', params: { echo: 'e'.repeat(r.int(9_000, 11_000)) } }
  return {
    kind: 'request',
    id,
    name: r.pick(NAMES),
    params: { project: r.pick(['/nonexistent/p', '/', 'rel']), spec: junk(r), id: junk(r) },
  }
}

/** Fuzzes the engine's channel; each request-shaped message must get exactly one reply. */
async function fuzzEngine(r, frames, deadline) {
  const dataDir = mkdtempSync(join(tmpdir(), 'atelier-fuzz-'))
  const engine = await startEngine({ dataDir })
  let replies = 0
  engine.on((m, conn) => conn !== 'chaos' && m.kind === 'reply' && replies++)
  let sent = 0
  let expected = 0
  let peak = 0
  for (let i = 0; i < frames && Date.now() < deadline; i++) {
    const id = 1_000_000 + i
    const message = fuzzMessage(r, id)
    // The host only forwards what a socket sent: a conn string and the decoded message.
    // A message the host would never forward (no conn) is dropped without a reply; the rest are answered.
    const envelope = r.chance(0.1) ? junk(r) : { conn: r.pick(['a', 'b', 'fuzz']), message }
    engine.sendRaw(envelope)
    sent++
    if (typeof envelope?.conn === 'string') expected++
    if (i % 50 === 0) {
      const pong = await engine.request('ping', { echo: String(i) }) // still serving
      if (pong.echo !== String(i)) throw new Error('the engine answered a ping wrongly')
      peak = Math.max(peak, memoryOf(engine.pid)?.peakMiB ?? 0)
    }
  }
  await until(() => replies >= expected || Date.now() > deadline + 30_000)
  const memory = memoryOf(engine.pid)
  const alive = engine.alive()
  await engine.kill('SIGTERM')
  rmSync(dataDir, { recursive: true, force: true })
  return {
    sent,
    replies,
    expected,
    alive,
    peakMiB: Math.max(peak, memory?.peakMiB ?? 0),
    rssMiB: memory?.rssMiB ?? null,
  }
}

/** A frame as the renderer would encode it ([u32 header length][JSON]), then maybe spoilt. */
function fuzzFrame(r, id) {
  const header = Buffer.from(JSON.stringify(fuzzMessage(r, id)) ?? 'null')
  const frame = Buffer.alloc(8 + header.length)
  frame.writeUInt32LE(header.length, 0)
  header.copy(frame, 4)
  switch (r.int(0, 6)) {
    case 0:
      return frame.subarray(0, r.int(0, frame.length)) // truncated
    case 1:
      return Buffer.from(r.bytes(r.int(0, 4096))) // random
    case 2:
      frame.writeUInt32LE(r.int(0, 2 ** 32 - 1), 0)
      return frame // lying length
    case 3:
      return Buffer.concat([frame, Buffer.from(r.bytes(r.int(1, 1 << 20)))]) // trailing bytes
    case 4: {
      // a typed-array reference to bytes that are not there
      const ref = Buffer.from(
        JSON.stringify({
          kind: 'request',
          id,
          name: 'model.decode',
          params: {
            latents: { $typed: r.pick(['Float32Array', 'Uint8Array', 'Nope']), index: r.int(0, 5) },
          },
        }),
      )
      const f = Buffer.alloc(4 + ref.length + 4)
      f.writeUInt32LE(ref.length, 0)
      ref.copy(f, 4)
      f.writeUInt32LE(r.int(0, 2 ** 31), 4 + ref.length)
      return f
    }
    case 5:
      return 'a text frame'
    default:
      return frame
  }
}

function startHost(dataDir) {
  const child = spawn(
    process.execPath,
    [join(REPO, 'out/main/web.js'), '--port', '0', '--data-dir', dataDir],
    {
      cwd: REPO,
      env: { ...process.env, ATELIER_BACKEND: 'wasm', ATELIER_WASM_THREADS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let output = ''
  child.stderr.on('data', (c) => (output += c))
  return new Promise((ok, fail) => {
    child.stdout.on('data', (c) => {
      output += c
      const m = /running at (http:\/\/127\.0\.0\.1:(\d+)\/\?token=(\S+))/.exec(output)
      if (m) ok({ child, port: Number(m[2]), token: m[3], output: () => output })
    })
    child.once('exit', (code) => fail(new Error(`the web host exited (${code}): ${output}`)))
  })
}

/** Opens a socket to the host; resolves with it once open, or null when it is refused. */
function openSocket(port, token, headers = {}) {
  return new Promise((ok) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/engine?token=${token}`, { headers })
    ws.once('open', () => ok(ws))
    ws.once('error', () => ok(null))
  })
}

/** Raw bytes to the host's port; resolves with the first line it answers (or '' when it closes). */
function rawHttp(port, bytes) {
  return new Promise((ok) => {
    const socket = connect(port, '127.0.0.1')
    let answer = ''
    const done = (how) => {
      socket.destroy()
      ok(how ?? (answer.split('\r\n')[0] || 'closed'))
    }
    socket.setTimeout(5000, () => done('no answer'))
    socket.on('data', (c) => {
      answer += c
      if (answer.includes('\r\n')) done()
    })
    socket.on('error', () => done())
    socket.on('close', () => done())
    socket.write(bytes, () => socket.end())
  })
}

function fuzzHttpRequest(r, port, token) {
  const key = Buffer.from(r.bytes(16)).toString('base64')
  return r.pick([
    () => Buffer.from(r.bytes(r.int(1, 2000))),
    () =>
      `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${'X-Big: ' + 'a'.repeat(r.int(1, 100_000))}\r\n\r\n`,
    () =>
      `${r.pick(['POST', 'DELETE', 'BREW', 'GET'])} /${'../'.repeat(r.int(0, 9))}etc/passwd?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`,
    () =>
      `GET /engine?token=${r.pick([token, 'wrong', ''])} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${r.pick([key, 'short', ''])}\r\nSec-WebSocket-Version: ${r.pick(['13', '8', 'x'])}\r\n\r\n`,
    () =>
      `GET /engine?token=${token} HTTP/1.1\r\nHost: evil.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    () =>
      `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: ${r.int(-5, 1e9)}\r\n\r\n${'b'.repeat(r.int(0, 100))}`,
    () => `GET /?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}`,
  ])()
}

/** Fuzzes the browser host: raw HTTP and upgrades, then frames over one socket. */
async function fuzzHost(r, frames, deadline) {
  const dataDir = mkdtempSync(join(tmpdir(), 'atelier-fuzz-host-'))
  const host = await startHost(dataDir)
  const { port, token } = host
  let ws = null
  for (let tries = 0; !ws && tries < 100; tries++) {
    ws = await openSocket(port, token)
    if (!ws) await new Promise((r) => setTimeout(r, 200))
  }
  let replies = 0
  let restarts = 0
  let enginePid = null
  ws.on('message', (data) => {
    const header = JSON.parse(
      Buffer.from(data)
        .subarray(4, 4 + Buffer.from(data).readUInt32LE(0))
        .toString(),
    )
    if (header.kind === 'reply') replies++
    if (header.kind === 'reply' && header.ok && header.result?.pid) enginePid = header.result.pid
    if (header.kind === 'event' && header.name === 'engine.status')
      restarts = Math.max(restarts, header.payload.restarts)
  })
  const http = { sent: 0, answered: 0, statuses: {} }
  let framesSent = 0
  for (let i = 0; i < frames && Date.now() < deadline; i++) {
    if (i % 4 === 0) {
      http.sent++
      const answer = await rawHttp(port, fuzzHttpRequest(r, port, token))
      if (answer !== 'no answer') http.answered++
      http.statuses[answer.slice(0, 12)] = (http.statuses[answer.slice(0, 12)] ?? 0) + 1
    }
    ws.send(fuzzFrame(r, 2_000_000 + i))
    framesSent++
    if (i % 100 === 0) await new Promise((ok) => setTimeout(ok, 5))
  }
  ws.send(encodeInfo())
  await until(() => enginePid !== null || Date.now() > deadline + 30_000)
  await until(() => replies >= framesSent + 1 || Date.now() > deadline + 30_000)
  const engineMemory = enginePid ? memoryOf(enginePid) : null
  const hostMemory = memoryOf(host.child.pid)
  const hostAlive = host.child.exitCode === null
  ws.close()
  host.child.kill('SIGTERM')
  rmSync(dataDir, { recursive: true, force: true })
  return {
    frames: framesSent,
    replies,
    http,
    restarts,
    hostAlive,
    engineAlive: enginePid !== null,
    enginePeakMiB: engineMemory?.peakMiB ?? null,
    hostPeakMiB: hostMemory?.peakMiB ?? null,
  }
}

function encodeInfo() {
  const header = Buffer.from(JSON.stringify({ kind: 'request', id: 1, name: 'info', params: {} }))
  const frame = Buffer.alloc(8 + header.length)
  frame.writeUInt32LE(header.length, 0)
  header.copy(frame, 4)
  return frame
}

async function until(done) {
  while (!done()) await new Promise((r) => setTimeout(r, 50))
}

/** Runs both fuzzers; `frames` each, within `seconds`. */
export async function runWireFuzz({ frames = 2000, seed = 1, seconds = 120 } = {}) {
  const deadline = Date.now() + seconds * 1000
  const r = seeded(seed)
  const engine = await fuzzEngine(r, frames, deadline)
  const host = await fuzzHost(r, frames, deadline)
  return { seed, engine, host }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      frames: { type: 'string', default: '2000' },
      seed: { type: 'string', default: '1' },
      seconds: { type: 'string', default: '120' },
      json: { type: 'boolean' },
    },
  })
  const result = await runWireFuzz({
    frames: Number(values.frames),
    seed: Number(values.seed),
    seconds: Number(values.seconds),
  })
  if (values.json) console.log(JSON.stringify(result))
  else {
    const { engine: e, host: h } = result
    console.log(`seed ${result.seed}`)
    console.log(
      `engine channel: ${e.sent} messages sent, ${e.expected} of them from a connection, ${e.replies} replies, still serving: ${e.alive}, peak memory ${e.peakMiB.toFixed(0)} MiB`,
    )
    console.log(
      `browser host: ${h.frames} frames, ${h.replies} replies, ${h.http.sent} raw HTTP/upgrade requests (${h.http.answered} answered or closed: ${JSON.stringify(h.http.statuses)}), engine restarts ${h.restarts}, host up: ${h.hostAlive}, engine peak ${h.enginePeakMiB?.toFixed(0)} MiB, host peak ${h.hostPeakMiB?.toFixed(0)} MiB`,
    )
  }
}
