import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listFolders } from '../../../../src/main/engine/files/folders'

describe('listFolders: the browser folder picker stays inside home', () => {
  let root: string
  let home: string
  let outside: string

  beforeAll(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'atelier-folders-')))
    home = join(root, 'home')
    outside = join(root, 'elsewhere')
    for (const dir of ['Pictures/faces', 'Projects', '.cache', '..dots']) {
      mkdirSync(join(home, dir), { recursive: true })
    }
    mkdirSync(join(outside, 'secret'), { recursive: true })
    writeFileSync(join(home, 'notes.txt'), 'not a folder')
    symlinkSync(join(home, 'Pictures'), join(home, 'pics-link'))
    symlinkSync(outside, join(home, 'escape'))
    symlinkSync(join(home, 'missing'), join(home, 'dangling'))
  })

  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('lists home by default: folders only, no hidden ones, symlinks only when they stay inside', async () => {
    const listing = await listFolders(home)
    expect(listing.dir).toBe(home)
    expect(listing.name).toBe('~')
    expect(listing.parent).toBeNull()
    expect(listing.folders.map((f) => f.name)).toEqual(['pics-link', 'Pictures', 'Projects'])
    expect(listing.truncated).toBe(false)
  })

  it('shows hidden folders when asked', async () => {
    const names = (await listFolders(home, home, { hidden: true })).folders.map((f) => f.name)
    expect(names).toContain('.cache')
    // A name that starts with '..' is still inside home.
    expect(names).toContain('..dots')
    expect(names).not.toContain('escape')
  })

  it('lists a sub-folder, with home-bound parents', async () => {
    const listing = await listFolders(home, join(home, 'Pictures'))
    expect(listing.folders).toEqual([{ name: 'faces', path: join(home, 'Pictures', 'faces') }])
    expect(listing.parent).toBe(home)
    expect((await listFolders(home, join(home, 'pics-link'))).dir).toBe(join(home, 'Pictures'))
  })

  it('refuses a folder outside home, by path, by "..", or through a symlink', async () => {
    await expect(listFolders(home, outside)).rejects.toThrow(/outside your home folder/)
    await expect(listFolders(home, join(home, '..'))).rejects.toThrow(/outside your home folder/)
    await expect(
      listFolders(home, join(home, 'Projects', '..', '..', 'elsewhere')),
    ).rejects.toThrow(/outside your home folder/)
    await expect(listFolders(home, join(home, 'escape'))).rejects.toThrow(
      /outside your home folder/,
    )
    await expect(listFolders(home, join(home, 'escape', 'secret'))).rejects.toThrow(
      /outside your home folder/,
    )
  })

  it('answers a missing folder and a file in words that name them', async () => {
    await expect(listFolders(home, join(home, 'nope'))).rejects.toThrow(/nope does not exist/)
    await expect(listFolders(home, join(home, 'notes.txt'))).rejects.toThrow(
      /is a file, not a folder/,
    )
  })
})
