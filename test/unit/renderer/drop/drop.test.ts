import { describe, expect, it } from 'vitest'
import { dropMeaning, dropProblem, type DroppedItem } from '../../../../src/renderer/src/drop/drop'

const item = (over: Partial<DroppedItem>): DroppedItem => ({
  name: 'x',
  path: null,
  folder: false,
  project: false,
  type: '',
  ...over,
})

describe('dropMeaning', () => {
  it('opens a dropped project folder, and offers any other folder to ingest', () => {
    expect(dropMeaning([item({ path: '/p', folder: true, project: true })])).toEqual({
      kind: 'open-project',
      dir: '/p',
    })
    expect(dropMeaning([item({ path: '/photos', folder: true })])).toEqual({
      kind: 'use-folder',
      dir: '/photos',
    })
  })

  it('encodes a dropped image by its path', () => {
    expect(dropMeaning([item({ name: 'me.jpg', path: '/me.jpg', type: 'image/jpeg' })])).toEqual({
      kind: 'encode-image',
      file: '/me.jpg',
      name: 'me.jpg',
    })
  })

  it('says when the host keeps the path to itself, for a folder or an image', () => {
    const image = dropMeaning([item({ name: 'me.png', type: 'image/png' })])
    expect(image).toEqual({ kind: 'no-path', name: 'me.png', folder: false })
    expect(dropProblem(image)).toMatch(/browser does not tell the app where "me.png" is/)
    const folder = dropMeaning([item({ name: 'photos', folder: true })])
    expect(dropProblem(folder)).toMatch(/Browse… in the Dataset panel/)
  })

  it('refuses a file that is not an image, naming it, whatever its path', () => {
    const meaning = dropMeaning([
      item({ name: 'notes.txt', path: '/notes.txt', type: 'text/plain' }),
    ])
    expect(meaning).toEqual({ kind: 'unsupported', name: 'notes.txt' })
    expect(dropProblem(meaning)).toMatch(/"notes.txt" is neither a folder nor an image/)
  })

  it('lets the first item decide, and means nothing when nothing was dropped', () => {
    const first = item({ path: '/a', folder: true })
    expect(dropMeaning([first, item({ path: '/b.jpg', type: 'image/jpeg' })]).kind).toBe(
      'use-folder',
    )
    expect(dropMeaning([])).toEqual({ kind: 'nothing' })
    expect(dropProblem({ kind: 'nothing' })).toBeNull()
  })
})
