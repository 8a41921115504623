import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { REPO } from './web-host'

/** Runs the real CLI (built by `npm run build`); fails the test with its output. */
export function atelier(...args: string[]): void {
  const run = spawnSync(process.execPath, [join(REPO, 'bin/atelier.mjs'), ...args], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 60_000,
  })
  if (run.status !== 0)
    throw new Error(`atelier ${args.join(' ')} failed:\n${run.stdout}${run.stderr}`)
}
