import { readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cli } from '../../../cli/support/run'
import { removeProject, tinyProject } from '../../train/fixtures'
import { startWebgpu } from './gpu'

/** The CLI in this process, on the webgpu backend; its JSON result. */
async function onWebgpu(...argv: string[]): Promise<Record<string, unknown>> {
  const { code, out, err } = await cli(...argv, '--backend', 'webgpu', '--json')
  expect(code, `${argv.join(' ')}: ${out} ${err}`).toBe(0)
  return JSON.parse(out) as Record<string, unknown>
}

const unavailable = await startWebgpu()
let dir: string

describe.skipIf(unavailable !== null)(
  `everything wasm runs, on webgpu${unavailable ? ` (skipped: ${unavailable})` : ''}`,
  () => {
    beforeAll(async () => {
      dir = await tinyProject(12)
    })
    afterAll(async () => {
      await removeProject(dir)
    })

    it('trains, encodes, evaluates, and makes morphs, attribute edits and new faces', async () => {
      const small = ['--latent', '4', '--filters', '4', '--batch', '4', '--seed', '3']
      const trained = await onWebgpu('train', '--project', dir, '--epochs', '2', ...small)
      expect(trained).toMatchObject({ state: 'done', result: { epochsDone: 2, backend: 'webgpu' } })
      expect((trained.result as { loss: number }).loss).toBeGreaterThan(0)

      expect(await onWebgpu('encode', '--project', dir)).toMatchObject({ encoded: true, count: 12 })
      const evaluated = await onWebgpu('eval', '--project', dir)
      expect(evaluated.msePerPixel).toBeGreaterThan(0)

      const out = join(dir, 'made')
      await onWebgpu(
        'interpolate',
        '--project',
        dir,
        '--from',
        '0',
        '--to',
        '3',
        '--frames',
        '3',
        '--slerp',
        '--out',
        out,
      )
      const list = join(dir, 'list.txt')
      await writeFile(list, '0\n1\n2\n')
      await onWebgpu(
        'attribute',
        '--project',
        dir,
        '--name',
        'first',
        '--from-list',
        list,
        '--apply',
        '4',
        '--alpha=-1,0,1',
        '--format',
        'sheet',
        '--out',
        out,
      )
      await onWebgpu(
        'generate',
        '--project',
        dir,
        '--n',
        '4',
        '--seed',
        '5',
        '--format',
        'sheet',
        '--out',
        out,
      )
      expect((await readdir(out)).filter((f) => f.endsWith('.png')).length).toBeGreaterThanOrEqual(
        3,
      )
    }, 300_000)
  },
)
