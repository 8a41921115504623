#!/usr/bin/env node
// The `atelier` CLI: runs the built engine in this process.
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const cli = fileURLToPath(new URL('../out/main/cli.js', import.meta.url))
if (!existsSync(cli)) {
  console.error(
    'atelier: the app is not built yet. Run `npm run build` (npm install does it too), then try again.',
  )
  process.exit(1)
}
createRequire(import.meta.url)(cli)
