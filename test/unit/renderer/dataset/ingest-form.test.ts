import { describe, expect, it } from 'vitest'
import type { DatasetInfo } from '@shared/contract'
import { formFor } from '../../../../src/renderer/src/dataset/ingest-form'

const info = (over: Partial<DatasetInfo>): DatasetInfo => ({
  project: '/p',
  size: 64,
  count: 1500,
  source: { kind: 'synthetic', seed: 1 },
  labels: [],
  report: null,
  pixelBytes: 0,
  writtenAt: '2026-12-02T00:00:00Z',
  ...over,
})

describe('the ingest form of a project', () => {
  it('starts empty, at the defaults, without a dataset', () => {
    expect(formFor(null)).toMatchObject({ kind: 'folder', folder: '', crop: 'center', size: 64 })
  })

  it('starts as the dataset was made, so ingesting again keeps its crop, size and labels', () => {
    const folder = info({
      size: 128,
      source: {
        kind: 'folder',
        folder: '/photos',
        crop: 'face',
        faces: 'all',
        labels: { file: '/photos/labels.csv', folders: true },
      },
    })
    expect(formFor(folder)).toMatchObject({
      kind: 'folder',
      folder: '/photos',
      crop: 'face',
      faces: 'all',
      size: 128,
      labelsFile: '/photos/labels.csv',
      pattern: '',
      folderLabels: true,
    })
    const celeba = info({ source: { kind: 'folder', folder: '/celeba', crop: 'celeba' } })
    expect(formFor(celeba)).toMatchObject({ crop: 'celeba', faces: 'largest', labelsFile: '' })
  })

  it('starts as the demo that made the faces, with their count and seed', () => {
    const demo = info({ size: 32, count: 80, source: { kind: 'synthetic', seed: 7 } })
    expect(formFor(demo)).toMatchObject({ kind: 'demo', size: 32, count: 80, seed: 7 })
  })
})
