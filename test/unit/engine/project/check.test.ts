import { cp, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ProjectCheck } from '../../../../src/shared/contract'
import { selectBackend } from '../../../../src/main/engine/backend/select'
import { addFavourite } from '../../../../src/main/engine/create/favourites'
import { datasetFiles } from '../../../../src/main/engine/data/store'
import { ensureLatents, ensureProjection } from '../../../../src/main/engine/map/map-service'
import { projectModel } from '../../../../src/main/engine/map/model-source'
import { readModelManifest } from '../../../../src/main/engine/model/io'
import { projectCheck } from '../../../../src/main/engine/project/check'
import { projectLayout } from '../../../../src/main/engine/project/layout'
import { updateManifest } from '../../../../src/main/engine/project/manifest'
import { repairProject } from '../../../../src/main/engine/project/repair'
import { planTraining, runTraining } from '../../../../src/main/engine/train/trainer'
import { tinyProject } from '../train/fixtures'

let pristine: string
let generation: string
const dirs: string[] = []

const quietHooks = {
  checkpoint: async () => undefined,
  progress: () => undefined,
  preview: () => undefined,
  status: () => undefined,
}

// One real project (dataset, a trained model and checkpoint, latents, a PCA map, a favourite
// and an export record); each test damages a copy of it.
beforeAll(async () => {
  await selectBackend('cpu')
  pristine = await tinyProject(10)
  const plan = await planTraining({
    projectDir: pristine,
    model: 'default',
    latent: 4,
    filters: 2,
    epochs: 1,
    batch: 4,
    seed: 3,
    previewSeconds: 3600,
  })
  await runTraining(plan, quietHooks)
  await ensureLatents(pristine, projectModel)
  await ensureProjection(pristine, { method: 'pca' }, projectModel)
  await addFavourite(pristine, { name: 'kept', z: [0, 0, 0, 0] })
  generation = (await readModelManifest(pristine))!.generation
}, 120_000)

afterAll(async () => {
  await Promise.all([pristine, ...dirs].map((d) => rm(d, { recursive: true, force: true })))
})

async function copy(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'atelier-check-'))
  dirs.push(dir)
  await cp(pristine, dir, { recursive: true })
  return dir
}

const damaged = (check: ProjectCheck) => check.problems.filter((p) => p.severity === 'damaged')
const parts = (check: ProjectCheck) => check.problems.map((p) => `${p.severity} ${p.part}`)

describe('atelier check', () => {
  it('finds nothing wrong with a whole project', async () => {
    const check = await projectCheck(pristine)
    expect(check.problems).toEqual([])
    expect(check.consistent).toBe(true)
  })

  it('says in words that a truncated pixels file has the wrong length, and leaves the dataset to a re-ingest', async () => {
    const dir = await copy()
    await truncate(datasetFiles(dir).pixels, 100)
    const check = await projectCheck(dir)
    expect(check.consistent).toBe(false)
    expect(damaged(check)[0]).toMatchObject({ part: 'dataset', repairable: false })
    expect(damaged(check)[0].message).toMatch(/has 100 bytes; 10 images of 32x32 need 30720/)
    const after = await repairProject(dir)
    expect(damaged(after)[0].remedy).toMatch(/atelier ingest/)
  })

  it('catches a flipped byte in the latents by their hash, and the repair encodes again', async () => {
    const dir = await copy()
    const path = projectLayout(dir).latents
    const bytes = await readFile(path)
    bytes[5] ^= 0xff
    await writeFile(path, bytes)
    const check = await projectCheck(dir)
    expect(parts(check)).toEqual(['damaged latents'])
    expect(check.problems[0].message).toMatch(/does not match the hash/)
    const after = await repairProject(dir)
    expect(after.repaired.join('\n')).toMatch(/Encoded the dataset again/)
    expect(after.problems).toEqual([])
  })

  it('calls latents made by another model generation stale', async () => {
    const dir = await copy()
    const shape = projectLayout(dir).latentsShape
    const info = JSON.parse(await readFile(shape, 'utf8'))
    await writeFile(shape, JSON.stringify({ ...info, modelHash: 'g000000001-abcdef' }))
    const check = await projectCheck(dir)
    expect(check.consistent).toBe(true)
    expect(check.problems[0]).toMatchObject({ part: 'latents', severity: 'stale' })
    expect(check.problems[0].message).toContain(generation)
    expect((await repairProject(dir)).problems).toEqual([])
  })

  it('rolls a model with truncated weights back to the older whole generation a killed save left', async () => {
    const dir = await copy()
    const { model, checkpoints } = projectLayout(dir)
    const older = 'g000000000-aaaaaa'
    await cp(join(model, generation), join(model, older), { recursive: true })
    await cp(join(checkpoints, generation), join(checkpoints, older), { recursive: true })
    const state = JSON.parse(await readFile(join(checkpoints, older, 'state.json'), 'utf8'))
    await writeFile(
      join(checkpoints, older, 'state.json'),
      JSON.stringify({ ...state, generation: older, step: 0 }),
    )
    await truncate(join(model, generation, 'decoder', 'weights.bin'), 10)
    const check = await projectCheck(dir)
    expect(damaged(check).map((p) => p.part)).toEqual(['model'])
    expect(damaged(check)[0].message).toMatch(/weights hold 10 bytes, the specs need \d+/)
    const after = await repairProject(dir)
    expect(after.repaired[0]).toMatch(
      `Rolled the model and the last checkpoint back to generation ${older}`,
    )
    expect(after.consistent).toBe(true)
    expect(damaged(after)).toEqual([])
    expect((await readModelManifest(dir))!.generation).toBe(older)
  })

  it('keeps a damaged atelier.json, with its favourites, beside the new one', async () => {
    const dir = await copy()
    const path = projectLayout(dir).manifest
    const text = await readFile(path, 'utf8')
    await writeFile(path, `{ oops ${text}`)
    const check = await projectCheck(dir)
    expect(damaged(check)[0]).toMatchObject({ part: 'manifest' })
    const after = await repairProject(dir)
    const aside = after.repaired[0].match(/kept as (\S+\.json)/)?.[1]
    expect(aside).toBeDefined()
    expect(await readFile(aside!, 'utf8')).toContain('"kept"')
    expect(after.consistent).toBe(true)
  })

  it('lists temp files and orphan generations as leftovers, which the repair removes', async () => {
    const dir = await copy()
    const { model } = projectLayout(dir)
    await writeFile(join(dir, 'dataset', '.pixels.u8.0123456789ab.tmp'), 'half')
    await cp(join(model, generation), join(model, 'g000000000-bbbbbb'), { recursive: true })
    const check = await projectCheck(dir)
    expect(check.consistent).toBe(true)
    expect(parts(check)).toEqual(['leftover leftover', 'leftover leftover'])
    const after = await repairProject(dir)
    expect(after.problems).toEqual([])
    expect(after.repaired).toHaveLength(2)
  })

  it('removes a cached map whose positions were cut short', async () => {
    const dir = await copy()
    await truncate(join(dir, 'map', 'pca.f32'), 7)
    const check = await projectCheck(dir)
    expect(damaged(check)[0].message).toMatch(/pca.f32 has 7 bytes; 10 points need 120/)
    expect(await readdir(join(dir, 'map'))).toContain('pca.images')
    expect((await repairProject(dir)).problems).toEqual([])
    expect((await readdir(join(dir, 'map'))).filter((f) => f.startsWith('pca.'))).toEqual([])
  })

  it('reports a recorded export that is gone, and the repair keeps its record', async () => {
    const dir = await copy()
    const gone = join(dir, 'exports', 'morph.png')
    await updateManifest(dir, (m) => {
      m.exports = [{ id: 'e1', format: 'png', files: [gone] }]
    })
    const check = await projectCheck(dir)
    expect(check.consistent).toBe(true)
    expect(check.problems[0]).toMatchObject({ part: 'exports', severity: 'missing', file: gone })
    const after = await repairProject(dir)
    expect(after.problems).toHaveLength(1)
    expect(await readFile(projectLayout(dir).manifest, 'utf8')).toContain(gone)
  })

  it('refuses a folder that holds no project', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atelier-empty-'))
    dirs.push(dir)
    await expect(projectCheck(dir)).rejects.toThrow(/holds no Latent Atelier project/)
  })
})
