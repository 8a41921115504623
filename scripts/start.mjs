// `npm start`: builds the app and opens the desktop window. Where the Electron
// binary is missing and cannot be fetched (or cannot start here), it says so in
// one line and serves the same app in the browser instead.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(join(root, 'package.json'))
const forwarded = process.argv.slice(2)

function run(command, args, options = {}) {
  return spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options })
}

function electronBinary() {
  try {
    const path = require('electron')
    return typeof path === 'string' && existsSync(path) ? path : null
  } catch {
    return null
  }
}

/** Electron's package downloads its binary once, on first use, if its install step was skipped. */
function fetchElectron() {
  const installer = join(root, 'node_modules/electron/install.js')
  if (!existsSync(installer)) return 'the electron package is not installed (run npm install)'
  const env = { ...process.env }
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD
  console.log('Fetching the Electron binary (once)…')
  const result = spawnSync(process.execPath, [installer], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 300_000,
  })
  if (result.status === 0 && electronBinary()) return null
  const reason = `${result.stderr ?? ''}${result.error?.message ?? ''}`
    .split('\n')
    .find((line) => /error/i.test(line))
  return `its download failed${reason ? ` (${reason.trim().slice(0, 160)})` : ''}`
}

function serveInBrowser(why) {
  console.log(`Electron cannot start here: ${why}. Serving the same app in your browser instead.`)
  const web = spawn(process.execPath, [join(root, 'out/main/web.js'), ...forwarded], {
    cwd: root,
    stdio: 'inherit',
  })
  web.on('exit', (code) => process.exit(code ?? 0))
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => web.kill(signal))
}

if (
  run(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'])
    .status !== 0
) {
  console.error('The build failed; see the errors above.')
  process.exit(1)
}

let binary = electronBinary()
const fetchProblem = binary ? null : fetchElectron()
binary = electronBinary()
if (!binary) {
  serveInBrowser(`the Electron binary is missing and ${fetchProblem}`)
} else {
  const startedAt = Date.now()
  const app = spawn(binary, [root, ...forwarded], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'pipe'],
  })
  let stderr = ''
  app.stderr.on('data', (chunk) => {
    stderr += chunk
    process.stderr.write(chunk)
  })
  app.on('exit', (code, signal) => {
    // A window that could not open at all (no display, missing system libraries) falls back to the browser.
    if (code !== 0 && Date.now() - startedAt < 10_000) {
      const line = stderr.split('\n').find((l) => l.trim()) ?? `exit code ${code ?? signal}`
      serveInBrowser(`Electron exited at once (${line.trim().slice(0, 160)})`)
    } else process.exit(code ?? 0)
  })
}
