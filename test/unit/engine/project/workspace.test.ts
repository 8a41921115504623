import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { requests, type WorkingState } from '@shared/contract'
import { readWorkingState, saveWorkingState } from '../../../../src/main/engine/project/workspace'

const state: WorkingState = {
  a: 3,
  b: 17,
  via: [8, 9],
  applied: [{ name: 'smiling', alpha: 2.5 }],
  projection: { method: 'dims', dims: [4, 0, 2] },
  colour: 'label:Smiling',
  camera: { position: [0.5, 1, 3], target: [0, 0.25, 0] },
}

describe('the working state kept in a project', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'atelier-workspace-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('comes back as it was saved, beside the rest of atelier.json', async () => {
    writeFileSync(
      join(dir, 'atelier.json'),
      JSON.stringify({ format: 1, createdAt: 'x', favourites: [] }),
    )
    await saveWorkingState(dir, state)
    expect(await readWorkingState(dir)).toEqual(state)
    const manifest = JSON.parse(readFileSync(join(dir, 'atelier.json'), 'utf8'))
    expect(manifest.favourites).toEqual([])
  })

  it('is none for a new project, and a damaged one is dropped rather than failing', async () => {
    expect(await readWorkingState(dir)).toBeNull()
    writeFileSync(
      join(dir, 'atelier.json'),
      JSON.stringify({ format: 1, createdAt: 'x', workspace: { ...state, a: -4 } }),
    )
    expect(await readWorkingState(dir)).toBeNull()
  })
})

describe('the working-state schema at the boundary', () => {
  const save = requests['workspace.save'].params
  it('accepts a full state', () => {
    expect(save.safeParse({ project: '/p', state }).success).toBe(true)
  })
  it('refuses bad indices, alphas, unknown keys and non-finite camera numbers', () => {
    const bad: unknown[] = [
      { ...state, a: 1.5 },
      { ...state, via: [-1] },
      { ...state, applied: [{ name: 'smiling', alpha: 99 }] },
      { ...state, extra: true },
      { ...state, camera: { position: [Infinity, 0, 0], target: [0, 0, 0] } },
      { ...state, projection: { method: 'tsne' } },
    ]
    for (const s of bad) expect(save.safeParse({ project: '/p', state: s }).success).toBe(false)
    expect(save.safeParse({ project: 'relative', state }).success).toBe(false)
  })
})
