/**
 * `npm run web`: serves the app to a browser on this machine. Prints the URL
 * with its per-run token; stops on Ctrl+C.
 */
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { startWebHost } from './host'

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.ATELIER_PORT ?? '0' },
      'data-dir': { type: 'string' },
      backend: { type: 'string' },
    },
  })
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port ${values.port} is not a port number (0-65535; 0 picks a free one).`)
  }
  const host = await startWebHost({
    rendererDir: join(__dirname, '../renderer'),
    engineEntry: join(__dirname, 'engine.js'),
    port,
    dataDir: values['data-dir'],
    engineEnv: values.backend ? { ATELIER_BACKEND: values.backend } : undefined,
  })
  console.log(`Latent Atelier is running at ${host.url}`)
  console.log('Open that address in your browser (it works on this machine only). Ctrl+C stops it.')
  const stop = () => void host.close().then(() => process.exit(0))
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((error: unknown) => {
  console.error(
    `Could not start the browser host: ${error instanceof Error ? error.message : String(error)}`,
  )
  process.exit(1)
})
