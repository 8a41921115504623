import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { startWebgpu } from './gpu'

const REPO = resolve(__dirname, '../../../../..')
const unavailable = await startWebgpu()

/** The built CLI's JSON answer to `argv`. */
async function atelier(...argv: string[]): Promise<unknown> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(REPO, 'bin/atelier.mjs'), ...argv, '--json'],
    { cwd: REPO, timeout: 240_000 },
  )
  return JSON.parse(stdout)
}

describe.skipIf(unavailable !== null)(
  `UMAP on the engine's GPU${unavailable ? ` (skipped: ${unavailable})` : ''}`,
  () => {
    let dir: string | undefined
    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true })
    })

    // The GPU UMAP runs on the projection worker (the built engine's projection-worker.js), where
    // the engine's route to its adapter is opened again: so this runs the built CLI.
    it("projects on the webgpu backend's adapter, from the projection worker", async () => {
      const argv = ['bench', 'project', '--synthetic', '600', '--methods', 'umap']
      const report = (await atelier(...argv, '--backend', 'webgpu')) as {
        rows: Array<{ method: string; onGpu?: boolean; neighbourhood: number }>
      }
      expect(report.rows).toHaveLength(1)
      expect(report.rows[0]).toMatchObject({ method: 'umap', onGpu: true })
      // 20 clusters of 30: most of each point's 10 neighbours are its cluster's: a layout keeps 4 or more.
      expect(report.rows[0]?.neighbourhood).toBeGreaterThan(0.4)
    }, 300_000)

    it("says in a project's map that its layout came from the GPU, and keeps saying it", async () => {
      dir = await mkdtemp(join(tmpdir(), 'atelier-webgpu-umap-'))
      const project = join(dir, 'p')
      await atelier('ingest', '--demo', '48', '--size', '32', '--project', project)
      await atelier('train', '--project', project, '--epochs', '1', '--backend', 'wasm')
      const umap = ['project', '--project', project, '--method', 'umap']
      expect(await atelier(...umap, '--backend', 'webgpu')).toMatchObject({
        computed: true,
        umapOnGpu: true,
      })
      // From the cache on another backend: still the GPU's layout.
      expect(await atelier(...umap, '--backend', 'wasm')).toMatchObject({
        computed: false,
        umapOnGpu: true,
      })
      const again = await atelier(...umap, '--backend', 'wasm', '--force')
      expect(again).toMatchObject({ computed: true })
      expect(again).not.toHaveProperty('umapOnGpu')
    }, 300_000)
  },
)
