import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { DatasetInfo, DatasetThumbnails, IngestProgress } from '@shared/contract'
import { fakeEngine, jobSnapshot } from '../support/fake-engine'

vi.mock('../../../../src/renderer/src/engine/engine.svelte', async () => ({
  engine: (await import('../support/fake-engine')).fakeEngine,
}))
type IngestParams = import('../../../../src/renderer/src/dataset/dataset.svelte').IngestParams
const { DatasetState, PAGE_SIZE } =
  await import('../../../../src/renderer/src/dataset/dataset.svelte')

/** A dataset of 100 images with these labels (only their names are read). */
const info = (labels: string[]): DatasetInfo =>
  ({ project: '/p', count: 100, labels: labels.map((name) => ({ name })) }) as DatasetInfo

const page = (matching: number): DatasetThumbnails => ({
  size: 32,
  total: 100,
  matching,
  offset: 0,
  indices: new Int32Array(0),
  files: [],
  labels: [],
  pixels: new Uint8Array(0),
})

const progress = (jobId: string): IngestProgress => ({
  jobId,
  project: '/p',
  phase: 'reading',
  total: 10,
  done: 1,
  processed: 1,
  reused: 0,
  skipped: 0,
  imagesPerSecond: 5,
})

beforeEach(() => {
  fakeEngine.reset()
  fakeEngine.answer('jobs.list', () => [])
  fakeEngine.answer('dataset.info', () => info(['smiling']))
  fakeEngine.answer('dataset.thumbnails', () => page(100))
})

describe('DatasetState', () => {
  it('shows what the dataset holds and its first page of thumbnails', async () => {
    const ds = new DatasetState('/p')
    await vi.waitFor(() => expect(ds.page).not.toBeNull())
    expect(ds.loaded).toBe(true)
    expect(fakeEngine.lastParams('dataset.thumbnails')).toEqual({
      project: '/p',
      offset: 0,
      limit: PAGE_SIZE,
    })
    ds.dispose()
  })

  it('follows an ingest found running, and loads the grid only once it is done', async () => {
    fakeEngine.answer('jobs.list', () => [
      jobSnapshot({ id: 'other', project: '/elsewhere' }),
      jobSnapshot({ id: 'demo-faces', project: '/p' }),
    ])
    const ds = new DatasetState('/p')
    await vi.waitFor(() => expect(ds.loaded).toBe(true))
    expect(ds.job?.id).toBe('demo-faces')
    expect(ds.running).toBe(true)
    expect(fakeEngine.asked('dataset.thumbnails')).toBe(0)
    ds.dispose()
  })

  it('ingests, shows the progress of its own job, and shows the dataset again when done', async () => {
    const ds = new DatasetState('/p')
    await vi.waitFor(() => expect(ds.page).not.toBeNull())
    await ds.start({ project: '/p', source: { kind: 'folder', folder: '/photos' } } as IngestParams)
    const run = fakeEngine.runs[0]!
    expect(run.name).toBe('dataset.ingest')
    expect(ds.running).toBe(true)
    fakeEngine.emit('dataset.progress', progress('another'))
    expect(ds.progress).toBeNull()
    fakeEngine.emit('dataset.progress', progress(run.job.id))
    expect(ds.progress).not.toBeNull()

    const asked = fakeEngine.asked('dataset.info')
    run.finish({ state: 'done' })
    await vi.waitFor(() => expect(fakeEngine.asked('dataset.info')).toBe(asked + 1))
    expect(ds.running).toBe(false)
    ds.dispose()
  })

  it('shows why an ingest failed', async () => {
    const ds = new DatasetState('/p')
    await ds.start({ project: '/p', source: { kind: 'folder', folder: '/photos' } } as IngestParams)
    fakeEngine.runs[0]!.finish({ state: 'failed', error: '/photos holds no images.' })
    await vi.waitFor(() => expect(ds.error).toBe('/photos holds no images.'))
    ds.dispose()
  })

  it('pages within the matching images, and filters from the first page', async () => {
    const ds = new DatasetState('/p')
    await vi.waitFor(() => expect(ds.page).not.toBeNull())
    ds.go(1)
    expect(ds.offset).toBe(PAGE_SIZE)
    ds.go(5)
    expect(ds.offset).toBe(PAGE_SIZE * Math.floor(99 / PAGE_SIZE))
    ds.go(-10)
    expect(ds.offset).toBe(0)
    ds.go(5)
    ds.setFilter({ label: 'smiling', value: 1 })
    expect(ds.offset).toBe(0)
    await vi.waitFor(() =>
      expect(fakeEngine.lastParams('dataset.thumbnails')).toMatchObject({
        offset: 0,
        where: { label: 'smiling', value: 1 },
      }),
    )
    ds.dispose()
  })

  it('drops a filter by a label the new dataset no longer has', async () => {
    const ds = new DatasetState('/p')
    await vi.waitFor(() => expect(ds.page).not.toBeNull())
    ds.setFilter({ label: 'smiling', value: 1 })
    fakeEngine.answer('dataset.info', () => info(['glasses']))
    await ds.refresh()
    expect(ds.filter).toBeNull()
    ds.dispose()
  })
})
