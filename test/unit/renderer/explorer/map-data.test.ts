import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { MapPoints, ProjectionSpec, ProjectSummary } from '@shared/contract'
import { fakeEngine, jobSnapshot } from '../support/fake-engine'

vi.mock('../../../../src/renderer/src/engine/engine.svelte', async () => ({
  engine: (await import('../support/fake-engine')).fakeEngine,
}))
const { MapData } = await import('../../../../src/renderer/src/explorer/map-data.svelte')

const points = (key: string, modelHash = 'm1'): MapPoints => ({
  key,
  spec: { method: 'pca' },
  count: 2,
  dim: 8,
  positions: new Float32Array(6),
  neighbourhood: null,
  seconds: 0,
  files: ['a.png', 'b.png'],
  labels: [],
  reconError: new Float32Array(2),
  modelHash,
  imageSize: 32,
})

const summary = (key: string, computed: boolean): ProjectSummary => ({
  key,
  computed,
  encoded: false,
  count: 2,
  seconds: 0,
  neighbourhood: null,
  placed: 0,
})

const PCA: ProjectionSpec = { method: 'pca' }

beforeEach(() => {
  fakeEngine.reset()
  fakeEngine.answer('map.points', ({ project }) => points(`pca-of-${project}`))
})

describe('MapData', () => {
  it('projects the project it is shown, then fetches the points', async () => {
    const data = new MapData()
    data.show('/p', PCA)
    await vi.waitFor(() => expect(fakeEngine.runs).toHaveLength(1))
    expect(fakeEngine.runs[0]).toMatchObject({
      name: 'map.project',
      params: { project: '/p', spec: PCA, force: false },
    })
    await vi.waitFor(() => expect(data.job).not.toBeNull())
    fakeEngine.runs[0]!.finish({ state: 'done', result: summary('pca-of-/p', true) })
    await vi.waitFor(() => expect(data.points?.key).toBe('pca-of-/p'))
    expect(data.job).toBeNull()
    expect(data.error).toBeNull()
    data.dispose()
  })

  it('keeps the points shown when the engine answered from its cache', async () => {
    const data = new MapData()
    data.show('/p', PCA)
    await vi.waitFor(() => expect(fakeEngine.runs).toHaveLength(1))
    fakeEngine.runs[0]!.finish({ state: 'done', result: summary('pca-of-/p', true) })
    await vi.waitFor(() => expect(data.points).not.toBeNull())
    data.refresh()
    await vi.waitFor(() => expect(fakeEngine.runs).toHaveLength(2))
    fakeEngine.runs[1]!.finish({ state: 'done', result: summary('pca-of-/p', false) })
    await vi.waitFor(() => expect(data.job).toBeNull())
    expect(fakeEngine.asked('map.points')).toBe(1)
    data.dispose()
  })

  it('shows why projecting failed', async () => {
    const data = new MapData()
    data.show('/p', PCA)
    await vi.waitFor(() => expect(fakeEngine.runs).toHaveLength(1))
    fakeEngine.runs[0]!.finish({ state: 'failed', error: '/p has no trained model: train it.' })
    await vi.waitFor(() => expect(data.error).toBe('/p has no trained model: train it.'))
    expect(data.points).toBeNull()
    data.dispose()
  })

  it('asks once more, not twice at once, when refreshed while loading', async () => {
    const data = new MapData()
    data.show('/p', PCA)
    data.refresh()
    data.refresh()
    await vi.waitFor(() => expect(fakeEngine.runs).toHaveLength(1))
    fakeEngine.runs[0]!.finish({ state: 'done', result: summary('pca-of-/p', true) })
    await vi.waitFor(() => expect(fakeEngine.runs).toHaveLength(2))
    fakeEngine.runs[1]!.finish({ state: 'done', result: summary('pca-of-/p', false) })
    await vi.waitFor(() => expect(data.job).toBeNull())
    expect(fakeEngine.runs).toHaveLength(2)
    data.dispose()
  })

  it('drops the points of a project no longer shown', async () => {
    let release: () => void = () => {}
    fakeEngine.answer('map.points', async ({ project }) => {
      await new Promise<void>((resolve) => (release = resolve))
      return points(`pca-of-${project}`)
    })
    const data = new MapData()
    data.show('/old', PCA)
    await vi.waitFor(() => expect(fakeEngine.runs).toHaveLength(1))
    fakeEngine.runs[0]!.finish({ state: 'done', result: summary('pca-of-/old', true) })
    await vi.waitFor(() => expect(fakeEngine.asked('map.points')).toBe(1))
    data.show('/new', PCA)
    release()
    await vi.waitFor(() => expect(fakeEngine.runs).toHaveLength(2))
    expect(data.points).toBeNull()
    data.dispose()
  })

  it('follows training: a finished training projects again, an updated map is fetched again', async () => {
    const data = new MapData()
    data.show('/p', PCA)
    await vi.waitFor(() => expect(fakeEngine.runs).toHaveLength(1))
    fakeEngine.runs[0]!.finish({ state: 'done', result: summary('pca-of-/p', true) })
    await vi.waitFor(() => expect(data.points).not.toBeNull())

    fakeEngine.emit('job', jobSnapshot({ kind: 'train', state: 'done', project: '/p' }))
    await vi.waitFor(() => expect(fakeEngine.runs).toHaveLength(2))
    fakeEngine.runs[1]!.finish({ state: 'done', result: summary('pca-of-/p', false) })
    await vi.waitFor(() => expect(data.job).toBeNull())

    fakeEngine.emit('map.updated', { project: '/p', key: 'pca-of-/p', spec: PCA, modelHash: 'm1' })
    await vi.waitFor(() => expect(fakeEngine.asked('map.points')).toBe(2))

    data.followTraining = false
    fakeEngine.emit('job', jobSnapshot({ kind: 'train', state: 'done', project: '/p' }))
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(fakeEngine.runs).toHaveLength(2)
    data.dispose()
  })

  it('stops hearing the engine once disposed', async () => {
    const data = new MapData()
    data.show('/p', PCA)
    await vi.waitFor(() => expect(fakeEngine.runs).toHaveLength(1))
    fakeEngine.runs[0]!.finish({ state: 'done', result: summary('pca-of-/p', true) })
    await vi.waitFor(() => expect(data.job).toBeNull())
    data.dispose()
    fakeEngine.emit('job', jobSnapshot({ kind: 'train', state: 'done', project: '/p' }))
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(fakeEngine.runs).toHaveLength(1)
  })
})
