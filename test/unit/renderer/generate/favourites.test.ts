import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { Favourite, Rendered } from '@shared/contract'
import { fakeEngine } from '../support/fake-engine'

vi.mock('../../../../src/renderer/src/engine/engine.svelte', async () => ({
  engine: (await import('../support/fake-engine')).fakeEngine,
}))
const { favourites } = await import('../../../../src/renderer/src/generate/favourites.svelte')

const favourite = (id: string, z: number[]): Favourite => ({ id, name: id, z, createdAt: '' })
const frames = (n: number): Rendered =>
  ({ frames: n, columns: n, size: 2, pixels: new Uint8Array(n * 16) }) as Rendered

let saved: Favourite[] = []
beforeEach(() => {
  fakeEngine.reset()
  saved = [favourite('f1', [0.1])]
  fakeEngine.answer('create.favourites.list', () => saved)
  fakeEngine.answer('create.render', ({ recipe }) =>
    frames(recipe.kind === 'faces' ? recipe.sources.length : 0),
  )
})

describe('the favourites', () => {
  it('loads the project’s favourites and decodes one thumbnail each', async () => {
    await favourites.load('/p')
    expect(favourites.list.map((f) => f.id)).toEqual(['f1'])
    expect(favourites.thumbnails?.frames).toBe(1)
    expect(fakeEngine.lastParams('create.render')).toEqual({
      project: '/p',
      recipe: { kind: 'faces', sources: [{ kind: 'code', z: [0.1] }] },
    })
  })

  it('decodes nothing when there are none, and nothing with no project open', async () => {
    saved = []
    await favourites.load('/p')
    expect(favourites.thumbnails).toBeNull()
    await favourites.load(null)
    await favourites.add([1], 'lost')
    expect(fakeEngine.asked('create.favourites.add')).toBe(0)
    expect(fakeEngine.asked('create.render')).toBe(0)
  })

  it('adds and removes through the engine, and lists them again', async () => {
    fakeEngine.answer('create.favourites.add', ({ name, source }) => {
      const added = favourite(name ?? 'unnamed', source.kind === 'code' ? source.z : [])
      saved = [...saved, added]
      return added
    })
    fakeEngine.answer('create.favourites.remove', ({ id }) => {
      saved = saved.filter((f) => f.id !== id)
      return { removed: true }
    })
    await favourites.load('/p')
    await favourites.add([0.5, 0.5], 'f2')
    expect(favourites.list.map((f) => f.id)).toEqual(['f1', 'f2'])
    expect(favourites.thumbnails?.frames).toBe(2)
    await favourites.remove('f1')
    expect(favourites.list.map((f) => f.id)).toEqual(['f2'])
  })

  it('drops an answer for a project no longer open', async () => {
    let release: () => void = () => {}
    fakeEngine.answer('create.favourites.list', async () => {
      await new Promise<void>((resolve) => (release = resolve))
      return [favourite('old', [1])]
    })
    const loading = favourites.load('/old')
    await vi.waitFor(() => expect(fakeEngine.asked('create.favourites.list')).toBe(1))
    const other = favourites.load(null)
    release()
    await Promise.all([loading, other])
    expect(favourites.list).toEqual([])
  })

  it('shows the engine’s refusal in its words', async () => {
    fakeEngine.answer('create.favourites.list', () => {
      throw new Error('/p/atelier.json is damaged: repair the project.')
    })
    await favourites.load('/p')
    expect(favourites.problem).toBe('/p/atelier.json is damaged: repair the project.')
  })
})
