import { execFile } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { startWebgpu } from './gpu'

const REPO = resolve(__dirname, '../../../../..')
const CELEBA = resolve(REPO, '../shared/data/celeba-8k/images')
const unavailable = await startWebgpu()
let dir: string

describe.skipIf(unavailable !== null)(
  `the face crop on webgpu${unavailable ? ` (skipped: ${unavailable})` : ''}`,
  () => {
    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true })
    })

    // face-api reads synchronously, which webgpu cannot under Node: the faces are found on the
    // detector thread (the built engine's face-detector-worker.js), so this runs the built CLI.
    it('finds, aligns and labels faces on the detector thread', async () => {
      dir = await mkdtemp(join(tmpdir(), 'atelier-webgpu-faces-'))
      const photos = join(dir, 'photos')
      await mkdir(photos)
      for (const name of ['000001.jpg', '000002.jpg']) {
        await copyFile(join(CELEBA, name), join(photos, name))
      }
      const argv = ['ingest', photos, '--project', join(dir, 'p'), '--crop', 'face', '--size', '32']
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [join(REPO, 'bin/atelier.mjs'), ...argv, '--backend', 'webgpu', '--json'],
        { cwd: REPO, timeout: 240_000 },
      )
      const report = JSON.parse(stdout) as { images: number; skipped: unknown[] }
      expect(report).toMatchObject({ images: 2, skipped: [] })
    }, 300_000)
  },
)
