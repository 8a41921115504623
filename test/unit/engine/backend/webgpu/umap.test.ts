import { execFile } from 'node:child_process'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { startWebgpu } from './gpu'

const REPO = resolve(__dirname, '../../../../..')
const unavailable = await startWebgpu()

describe.skipIf(unavailable !== null)(
  `UMAP on the engine's GPU${unavailable ? ` (skipped: ${unavailable})` : ''}`,
  () => {
    // The GPU UMAP runs on the projection worker (the built engine's projection-worker.js), where
    // the engine's route to its adapter is opened again: so this runs the built CLI.
    it("projects on the webgpu backend's adapter, from the projection worker", async () => {
      const argv = ['bench', 'project', '--synthetic', '600', '--methods', 'umap']
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [join(REPO, 'bin/atelier.mjs'), ...argv, '--backend', 'webgpu', '--json'],
        { cwd: REPO, timeout: 240_000 },
      )
      const report = JSON.parse(stdout) as {
        rows: Array<{ method: string; onGpu?: boolean; neighbourhood: number }>
      }
      expect(report.rows).toHaveLength(1)
      expect(report.rows[0]).toMatchObject({ method: 'umap', onGpu: true })
      // 20 clusters of 30: most of each point's 10 neighbours are its cluster's: a layout keeps 4 or more.
      expect(report.rows[0]?.neighbourhood).toBeGreaterThan(0.4)
    }, 300_000)
  },
)
