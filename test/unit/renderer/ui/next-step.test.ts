import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readDatasetIndex } from '../../../../src/main/engine/data/store'
import { readModel } from '../../../../src/main/engine/model/io'
import { nextStepFor } from '../../../../src/renderer/src/ui/next-step'

/** The engine's own words for an empty project, as the map receives them. */
async function reasonOf(work: Promise<unknown>): Promise<string> {
  return work.then(
    () => {
      throw new Error('expected the engine to refuse')
    },
    (error: Error) => error.message,
  )
}

describe('an empty project says what to click, not which command to run', () => {
  const project = mkdtempSync(join(tmpdir(), 'atelier-empty-map-'))
  afterAll(() => rmSync(project, { recursive: true, force: true }))

  it('sends a project without images to the Dataset panel', async () => {
    const hint = nextStepFor(await reasonOf(readDatasetIndex(project)))
    expect(hint).toMatch(/Dataset panel/)
    expect(hint).toMatch(/Ingest/)
    expect(hint).not.toMatch(/atelier /)
  })

  it('sends a project without a model to Start training', async () => {
    const hint = nextStepFor(await reasonOf(readModel(project)))
    expect(hint).toMatch(/Start training/)
    expect(hint).not.toMatch(/atelier /)
  })

  it('leaves other reasons to the engine’s own words', () => {
    expect(nextStepFor('/p/latents.f32 is damaged (short read)')).toBeNull()
  })
})
