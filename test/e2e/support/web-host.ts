import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { engineRequest } from './engine-socket'

export const REPO = resolve(__dirname, '../../..')

export interface RunningHost {
  url: string
  origin: string
  token: string
  dataDir: string
  process: ChildProcess
  /** Everything the host printed, for failure messages. */
  output(): string
  stop(): Promise<void>
}

/**
 * Starts the real browser host (`out/main/web.js`, so `npm run build` first)
 * with its real engine child, on a free port and a fresh data folder.
 */
export async function startHost(
  options: { args?: string[]; env?: Record<string, string> } = {},
): Promise<RunningHost> {
  const dataDir = mkdtempSync(join(tmpdir(), 'atelier-e2e-'))
  const child = spawn(
    process.execPath,
    [join(REPO, 'out/main/web.js'), '--port', '0', '--data-dir', dataDir, ...(options.args ?? [])],
    {
      cwd: REPO,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the web host printed no URL within 20 s:\n${output}`)),
      20_000,
    )
    const look = () => {
      const match = /running at (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(output)
      if (match?.[1]) {
        clearTimeout(timer)
        resolveUrl(match[1])
      }
    }
    child.stdout?.on('data', look)
    child.on('exit', (code) => reject(new Error(`the web host exited (code ${code}):\n${output}`)))
  })
  const parsed = new URL(url)
  await untilEngineReady(parsed.origin, parsed.searchParams.get('token') ?? '', () => output)
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token') ?? '',
    dataDir,
    process: child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))])
        if (child.exitCode === null) child.kill('SIGKILL')
      }
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** The host answers at once; its engine takes a moment to load tfjs. */
async function untilEngineReady(
  origin: string,
  token: string,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + 30_000
  for (;;) {
    try {
      await engineRequest(origin, token, 'ping', {})
      return
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`the engine never became ready: ${String(error)}\n${output()}`)
      await new Promise((r) => setTimeout(r, 200))
    }
  }
}
