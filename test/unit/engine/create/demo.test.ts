import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EngineContext } from '../../../../src/main/engine/context'
import { openDemo } from '../../../../src/main/engine/create/demo'

let root: string
let resources: string
// Pixel regeneration is off in these tests, so the context is never used.
const ctx = {} as EngineContext

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'atelier-demo-'))
  resources = join(root, 'resources', 'demo')
  await mkdir(join(resources, 'model'), { recursive: true })
  await writeFile(join(resources, 'demo.json'), JSON.stringify({ seed: 1, count: 4, size: 32 }))
  await writeFile(join(resources, 'atelier.json'), JSON.stringify({ format: 1, createdAt: 'x' }))
  await writeFile(join(resources, 'model', 'manifest.json'), '{}')
})

afterAll(() => rm(root, { recursive: true, force: true }))

describe('the built-in demo', () => {
  it('is made on first use from the shipped files, without the build notes', async () => {
    const data = join(root, 'data')
    const first = await openDemo(data, ctx, resources, { restorePixels: false })
    expect(first).toEqual({ project: join(data, 'demo'), created: true, job: null })
    expect(existsSync(join(data, 'demo', 'model', 'manifest.json'))).toBe(true)
    expect(existsSync(join(data, 'demo', 'demo.json'))).toBe(false)
  })

  it('opens the same project afterwards, keeping what the artist changed', async () => {
    const data = join(root, 'data')
    await writeFile(join(data, 'demo', 'atelier.json'), JSON.stringify({ format: 1, mine: true }))
    const again = await openDemo(data, ctx, resources, { restorePixels: false })
    expect(again.created).toBe(false)
    expect(JSON.parse(await readFile(join(data, 'demo', 'atelier.json'), 'utf8')).mine).toBe(true)
  })

  it('says how to make the demo when the build has none', async () => {
    await expect(
      openDemo(join(root, 'other'), ctx, null, { restorePixels: false }),
    ).rejects.toThrow(/npm run train:demo/)
  })
})
