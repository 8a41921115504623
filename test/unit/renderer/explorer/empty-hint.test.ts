import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readDatasetIndex } from '../../../../src/main/engine/data/store'
import { readModel } from '../../../../src/main/engine/model/io'
import { mapEmptyHint } from '../../../../src/renderer/src/explorer/empty-hint'

/** The engine's own words for an empty project, as the map receives them. */
async function reasonOf(work: Promise<unknown>): Promise<string> {
  return work.then(
    () => {
      throw new Error('expected the engine to refuse')
    },
    (error: Error) => error.message,
  )
}

describe('the empty map says what to click, not which command to run', () => {
  const project = mkdtempSync(join(tmpdir(), 'atelier-empty-map-'))
  afterAll(() => rmSync(project, { recursive: true, force: true }))

  it('sends a project without images to the Dataset panel', async () => {
    const hint = mapEmptyHint(await reasonOf(readDatasetIndex(project)))
    expect(hint).toMatch(/Dataset panel/)
    expect(hint).toMatch(/Ingest/)
    expect(hint).not.toMatch(/atelier /)
  })

  it('sends a project without a model to Start training', async () => {
    const hint = mapEmptyHint(await reasonOf(readModel(project)))
    expect(hint).toMatch(/Start training/)
    expect(hint).not.toMatch(/atelier /)
  })

  it('leaves other reasons to the engine’s own words', () => {
    expect(mapEmptyHint('/p/latents.f32 is damaged (short read)')).toBeNull()
  })
})
