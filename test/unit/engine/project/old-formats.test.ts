import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readDataset } from '../../../../src/main/engine/data/store'
import { projectCheck } from '../../../../src/main/engine/project/check'
import { PROJECT_FORMAT, readManifest } from '../../../../src/main/engine/project/manifest'

const FIXTURES = resolve(__dirname, '../../../fixtures/projects')
const dirs: string[] = []
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))))

async function copyOf(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'atelier-old-'))
  dirs.push(dir)
  await cp(join(FIXTURES, name), dir, { recursive: true })
  return dir
}

describe('every project format that has shipped opens', () => {
  it('format 1 as the first release wrote it: reads, and checks consistent', async () => {
    const dir = await copyOf('format-1-first')
    expect((await readManifest(dir)).format).toBe(1)
    const dataset = await readDataset(dir)
    expect(dataset.count).toBe(2)
    expect(dataset.images[1].labels).toEqual({ smiling: 1 })
    const check = await projectCheck(dir)
    expect(check.consistent).toBe(true)
    expect(check.problems).toEqual([])
  })

  it('a format newer than this app is refused in words, not misread', async () => {
    const dir = await copyOf('format-1-first')
    await writeFile(
      join(dir, 'atelier.json'),
      JSON.stringify({ format: PROJECT_FORMAT + 1, createdAt: '' }),
    )
    await expect(readManifest(dir)).rejects.toThrow(
      /written by a newer Latent Atelier \(format 2\); update the app/,
    )
    expect((await projectCheck(dir)).consistent).toBe(false)
  })
})
