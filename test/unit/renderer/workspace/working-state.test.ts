import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { MapStatus, ProjectionSpec, WorkingState } from '@shared/contract'
import { fakeEngine } from '../support/fake-engine'

vi.mock('../../../../src/renderer/src/engine/engine.svelte', async () => ({
  engine: (await import('../support/fake-engine')).fakeEngine,
}))
const { workspace } = await import('../../../../src/renderer/src/workspace/working-state.svelte')
const { applied } = await import('../../../../src/renderer/src/attributes/applied.svelte')
const { selection } = await import('../../../../src/renderer/src/explorer/selection.svelte')
const { mapView } = await import('../../../../src/renderer/src/explorer/view.svelte')
const { morph } = await import('../../../../src/renderer/src/morph/morph.svelte')
const { project } = await import('../../../../src/renderer/src/project/project.svelte')

const SAVED: WorkingState = {
  a: 3,
  b: 7,
  via: [5],
  applied: [{ name: 'smiling', alpha: 2 }],
  projection: { method: 'umap', seed: 1 },
  colour: 'label:smiling',
  camera: { position: [0, 0, 4], target: [0, 0, 0] },
}

/** A map status listing these projections as made. */
const madeMaps = (...specs: ProjectionSpec[]): MapStatus => ({
  modelHash: 'm1',
  latents: null,
  projections: specs.map((spec, i) => ({ key: `p${i}`, spec, neighbourhood: null })),
})

const edits = () => ({ a: selection.a, b: selection.b, via: [...morph.via], applied: applied.uses })

let opened = 0
beforeEach(() => {
  fakeEngine.reset()
  project.open(`/ws-${++opened}`)
})
afterEach(() => vi.useRealTimers())

describe('the working state', () => {
  it('shows the state saved in the project when it opens', async () => {
    fakeEngine.answer('workspace.get', () => SAVED)
    await workspace.restore(project.dir as string)
    expect([selection.a, selection.b, morph.via]).toEqual([3, 7, [5]])
    expect(applied.uses).toEqual([{ name: 'smiling', alpha: 2 }])
    expect(mapView.spec).toEqual({ method: 'umap', seed: 1 })
    expect(mapView.colourKey).toBe('label:smiling')
    expect(mapView.camera).toEqual(SAVED.camera)
    expect(workspace.restored).toBe(project.dir)
    expect(workspace.canUndo).toBe(false)
  })

  it('opens a project never looked at on the UMAP already made for it', async () => {
    fakeEngine.answer('workspace.get', () => null)
    fakeEngine.answer('map.status', () => madeMaps({ method: 'pca' }, { method: 'umap', seed: 1 }))
    await workspace.restore(project.dir as string)
    expect(mapView.spec).toEqual({ method: 'umap', seed: 1 })
    expect(workspace.restored).toBe(project.dir)
  })

  it('opens such a project on PCA when it has no UMAP, or its status cannot be read', async () => {
    fakeEngine.answer('workspace.get', () => null)
    await workspace.restore(project.dir as string)
    expect(mapView.spec).toEqual({ method: 'pca' })
    fakeEngine.answer('map.status', () => madeMaps({ method: 'umap', seed: 7 }))
    project.open('/ws-other')
    await workspace.restore('/ws-other')
    expect(mapView.spec).toEqual({ method: 'pca' })
    expect(workspace.restored).toBe('/ws-other')
  })

  it('drops a saved state that arrives after another project opened', async () => {
    let release: () => void = () => {}
    fakeEngine.answer('workspace.get', async () => {
      await new Promise<void>((resolve) => (release = resolve))
      return SAVED
    })
    const restoring = workspace.restore(project.dir as string)
    await vi.waitFor(() => expect(fakeEngine.asked('workspace.get')).toBe(1))
    project.open('/ws-meanwhile')
    release()
    await restoring
    expect(selection.a).toBeNull()
    expect(workspace.restored).toBeNull()
  })

  it('undoes a slider drag as one step, and redoes it', async () => {
    fakeEngine.answer('workspace.get', () => null)
    await workspace.restore(project.dir as string)
    selection.pick(1)
    workspace.noteEdits(edits())
    applied.on('smiling', 1)
    workspace.noteEdits(edits())
    for (const alpha of [1.5, 2, 2.5]) {
      applied.set('smiling', alpha)
      workspace.noteEdits(edits())
    }
    workspace.undo()
    expect(applied.uses).toEqual([{ name: 'smiling', alpha: 1 }])
    workspace.undo()
    expect(applied.uses).toEqual([])
    expect(selection.a).toBe(1)
    workspace.redo()
    workspace.redo()
    expect(applied.uses).toEqual([{ name: 'smiling', alpha: 2.5 }])
    expect(workspace.canRedo).toBe(false)
  })

  it('saves a change once it rests, and not what the project already holds', async () => {
    vi.useFakeTimers()
    fakeEngine.answer('workspace.get', () => SAVED)
    fakeEngine.answer('workspace.save', () => ({ saved: true as const }))
    const dir = project.dir as string
    await workspace.restore(dir)
    workspace.scheduleSave(dir, SAVED)
    await vi.advanceTimersByTimeAsync(1000)
    expect(fakeEngine.asked('workspace.save')).toBe(0)

    workspace.scheduleSave(dir, { ...SAVED, a: 4 })
    workspace.scheduleSave(dir, { ...SAVED, a: 5 })
    await vi.advanceTimersByTimeAsync(1000)
    expect(fakeEngine.asked('workspace.save')).toBe(1)
    expect(fakeEngine.lastParams('workspace.save')).toEqual({
      project: dir,
      state: { ...SAVED, a: 5 },
    })
  })

  it('says when the state could not be saved, naming the project', async () => {
    vi.useFakeTimers()
    fakeEngine.answer('workspace.get', () => null)
    fakeEngine.answer('workspace.save', () => {
      throw new Error('the disk is full')
    })
    const dir = project.dir as string
    await workspace.restore(dir)
    workspace.scheduleSave(dir, SAVED)
    await vi.advanceTimersByTimeAsync(1000)
    expect(workspace.problem).toBe(
      `The working state could not be saved in ${dir}: the disk is full`,
    )
    project.open('/ws-after-problem')
    expect(workspace.problem).toBeNull()
  })
})
