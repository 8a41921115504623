import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { ExportRecord, Recipe, Rendered } from '@shared/contract'
import { fakeEngine, settle } from '../support/fake-engine'

vi.mock('../../../../src/renderer/src/engine/engine.svelte', async () => ({
  engine: (await import('../support/fake-engine')).fakeEngine,
}))
const { ExportState, chooseRecipe, fileCount } =
  await import('../../../../src/renderer/src/export/export.svelte')
const { applied } = await import('../../../../src/renderer/src/attributes/applied.svelte')
const { selection } = await import('../../../../src/renderer/src/explorer/selection.svelte')
const { generation } = await import('../../../../src/renderer/src/generate/generation.svelte')
const { project } = await import('../../../../src/renderer/src/project/project.svelte')

const record = (id: string, files: string[]): ExportRecord => ({
  id,
  format: 'png',
  files,
  recipe: { kind: 'faces', sources: [{ kind: 'image', index: 0 }] },
  size: 256,
  checkpoint: 'abc',
  createdAt: '',
})

let opened = 0
beforeEach(() => {
  fakeEngine.reset()
  // Another project: every shared store (picks, vectors, morph) starts empty.
  project.open(`/export-${++opened}`)
})

describe('what the Export panel exports', () => {
  it('says what to pick first until the recipe can be made', () => {
    expect(chooseRecipe('morph')).toEqual({
      recipe: null,
      missing: 'Pick A and B on the map first.',
    })
    expect(chooseRecipe('face').missing).toBe('Pick a face (A) on the map first.')
    selection.pick(3)
    expect(chooseRecipe('sweep')).toEqual({
      recipe: null,
      missing: 'Pick a face and switch on an attribute first.',
    })
    expect(chooseRecipe('face').recipe).toEqual({
      kind: 'faces',
      sources: [{ kind: 'image', index: 3 }],
      attributes: [],
    })
  })

  it('sweeps the face along the first vector switched on, with the others applied', () => {
    selection.pick(3)
    applied.on('smiling', 2)
    applied.on('glasses', -1)
    const sweep = chooseRecipe('sweep').recipe as Extract<Recipe, { kind: 'sweep' }>
    expect(sweep).toMatchObject({
      kind: 'sweep',
      sources: [{ kind: 'image', index: 3 }],
      attribute: 'smiling',
      attributes: [{ name: 'glasses', alpha: -1 }],
    })
    expect(sweep.alphas).toEqual([-3, -2, -1, 0, 1, 2, 3])
  })

  it("exports Generate's faces as Generate makes them", () => {
    generation.mode = 'generate'
    expect(chooseRecipe('generated').recipe).toEqual(generation.recipe())
    generation.mode = 'near'
    expect(chooseRecipe('generated')).toEqual({
      recipe: null,
      missing: 'Pick a face (A) on the map for “more like this” in Generate.',
    })
    generation.mode = 'generate'
  })
})

describe('ExportState', () => {
  it('lists the five newest exports of its project when it opens', async () => {
    const records = Array.from({ length: 7 }, (_, i) => record(`e${i}`, [`/p/exports/${i}.png`]))
    fakeEngine.answer('create.exports.list', () => records)
    const exports = new ExportState('/p')
    await vi.waitFor(() =>
      expect(exports.recent.map((r) => r.id)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']),
    )
    expect(fakeEngine.lastParams('create.exports.list')).toEqual({ project: '/p' })
    exports.dispose()
  })

  it('exports with the form as set, then shows the files written and lists the exports again', async () => {
    fakeEngine.answer('create.exports.list', () => [])
    const exports = new ExportState('/p')
    selection.pick(1)
    selection.pick(2)
    exports.format = 'gif'
    exports.size = '512'
    exports.folder = '  /out  '
    exports.name = ' '
    await exports.exportNow()
    expect(fakeEngine.runs).toHaveLength(1)
    const run = fakeEngine.runs[0]!
    expect(run.name).toBe('create.export')
    expect(run.params).toMatchObject({
      project: '/p',
      format: 'gif',
      size: 512,
      folder: '/out',
      overwrite: false,
      pingPong: true,
    })
    expect(run.params).not.toHaveProperty('name')
    expect(exports.writing).toBe(true)

    const listed = fakeEngine.asked('create.exports.list')
    const written = record('e1', ['/out/a.gif'])
    run.finish({ state: 'done', result: written })
    await vi.waitFor(() => expect(exports.written).toEqual(written))
    expect(exports.writing).toBe(false)
    expect(fakeEngine.asked('create.exports.list')).toBe(listed + 1)
    exports.dispose()
  })

  it('exports at the model size without ping-pong for anything but a morph', async () => {
    fakeEngine.answer('create.exports.list', () => [])
    const exports = new ExportState('/p')
    selection.pick(4)
    exports.what = 'face'
    exports.size = 'model'
    await exports.exportNow()
    expect(fakeEngine.runs[0]!.params).toMatchObject({ size: 'model', pingPong: false })
    exports.dispose()
  })

  it('shows why an export failed, and starts nothing while the recipe cannot be made', async () => {
    fakeEngine.answer('create.exports.list', () => [])
    const exports = new ExportState('/p')
    await exports.exportNow()
    expect(fakeEngine.runs).toHaveLength(0)
    selection.pick(4)
    selection.pick(5)
    await exports.exportNow()
    fakeEngine.runs[0]!.finish({ state: 'failed', error: 'The folder /out is read-only.' })
    await vi.waitFor(() => expect(exports.problem).toBe('The folder /out is read-only.'))
    expect(exports.written).toBeNull()
    exports.dispose()
  })

  it('previews what is chosen, and shows the engine’s refusal in its words', async () => {
    fakeEngine.answer('create.exports.list', () => [])
    const frames: Rendered = {
      frames: 1,
      columns: 1,
      size: 2,
      pixels: new Uint8Array(16),
      latents: new Float32Array(2),
    } as Rendered
    fakeEngine.answer('create.render', () => frames)
    const exports = new ExportState('/p')
    selection.pick(6)
    exports.what = 'face'
    await exports.preview()
    expect(exports.previewed).toBe(frames)
    expect(fakeEngine.lastParams('create.render')).toMatchObject({
      project: '/p',
      recipe: { kind: 'faces' },
    })

    fakeEngine.answer('create.render', () => {
      throw new Error('The model of /p changed: train again.')
    })
    await exports.preview()
    expect(exports.problem).toBe('The model of /p changed: train again.')
    exports.dispose()
  })

  it('says when the exports cannot be listed', async () => {
    fakeEngine.answer('create.exports.list', () => {
      throw new Error('/p/atelier.json is not readable.')
    })
    const exports = new ExportState('/p')
    await settle()
    expect(exports.problem).toBe('/p/atelier.json is not readable.')
    exports.dispose()
  })

  it('counts files in words', () => {
    expect(fileCount(1)).toBe('1 file')
    expect(fileCount(3)).toBe('3 files')
  })
})
