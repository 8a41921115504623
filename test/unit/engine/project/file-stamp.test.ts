import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { deleteAttribute, listAttributes } from '../../../../src/main/engine/create/inputs'
import { writeFileAtomic } from '../../../../src/main/engine/project/atomic'
import { fileStamp, filesStamp, StampedCache } from '../../../../src/main/engine/project/file-stamp'
import { projectLayout } from '../../../../src/main/engine/project/layout'

const dirs: string[] = []
async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'atelier-stamp-'))
  dirs.push(dir)
  return dir
}
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))))

describe('fileStamp', () => {
  it('is null for a missing file, and the same while the file is unchanged', async () => {
    const file = join(await folder(), 'a.json')
    expect(fileStamp(file)).toBeNull()
    await writeFile(file, '{}')
    expect(fileStamp(file)).not.toBeNull()
    expect(fileStamp(file)).toBe(fileStamp(file))
  })

  it('changes when the file is written again by rename, even with the same size at once', async () => {
    const file = join(await folder(), 'a.json')
    await writeFileAtomic(file, '{"v":1}')
    const before = fileStamp(file)
    await writeFileAtomic(file, '{"v":2}')
    expect(fileStamp(file)).not.toBe(before)
  })

  it('joins several files, and is null when any is missing', async () => {
    const dir = await folder()
    await writeFile(join(dir, 'a'), 'a')
    expect(filesStamp(join(dir, 'a'), join(dir, 'b'))).toBeNull()
    await writeFile(join(dir, 'b'), 'b')
    expect(filesStamp(join(dir, 'a'), join(dir, 'b'))).toContain('|')
  })
})

describe('StampedCache', () => {
  it('reads once while the stamp holds, hands the old value to the next read, keeps nothing unstamped', async () => {
    const cache = new StampedCache<number>()
    const seen: (number | undefined)[] = []
    const read = (previous?: number) => {
      seen.push(previous)
      return Promise.resolve((previous ?? 0) + 1)
    }
    expect(await cache.get('p', 's1', read)).toBe(1)
    expect(await cache.get('p', 's1', read)).toBe(1)
    expect(await cache.get('p', 's2', read)).toBe(2)
    expect(await cache.get('p', null, read)).toBe(3)
    expect(await cache.get('p', null, read)).toBe(3)
    expect(seen).toEqual([undefined, 1, 2, 2])
  })
})

describe('the attribute table read per slider frame', () => {
  it('is read again once atelier.json changes', async () => {
    const dir = await folder()
    const stored = { description: 'smiling = yes', countA: 1, countB: 1, norm: 1, spread: 1 }
    const manifest = (names: string[]) =>
      JSON.stringify({
        format: 1,
        createdAt: '2026-01-01T00:00:00.000Z',
        attributes: Object.fromEntries(names.map((n) => [n, stored])),
      })
    await writeFileAtomic(projectLayout(dir).manifest, manifest(['smiling', 'glasses']))
    expect((await listAttributes(dir)).map((a) => a.name)).toEqual(['glasses', 'smiling'])
    expect(await deleteAttribute(dir, 'glasses')).toBe(true)
    expect((await listAttributes(dir)).map((a) => a.name)).toEqual(['smiling'])
  })
})
