import { beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('../../../../src/renderer/src/engine/engine.svelte', async () => ({
  engine: (await import('../support/fake-engine')).fakeEngine,
}))
const { applied, currentFace, faceRecipe } =
  await import('../../../../src/renderer/src/attributes/applied.svelte')
const { selection } = await import('../../../../src/renderer/src/explorer/selection.svelte')
const { project } = await import('../../../../src/renderer/src/project/project.svelte')

let opened = 0
beforeEach(() => project.open(`/applied-${++opened}`))

describe('the applied attribute vectors', () => {
  it('lists each vector switched on with its alpha, and what its edit keeps', () => {
    applied.on('smiling')
    applied.set('smiling', 2.5)
    applied.on('glasses', -1)
    applied.keep('smiling', 'glasses', true)
    applied.keep('smiling', 'smiling', true) // a vector cannot keep itself
    expect(applied.uses).toEqual([
      { name: 'smiling', alpha: 2.5, keep: ['glasses'] },
      { name: 'glasses', alpha: -1 },
    ])
    applied.keep('smiling', 'glasses', false)
    applied.off('glasses')
    expect(applied.uses).toEqual([{ name: 'smiling', alpha: 2.5 }])
  })

  it('switches on at the default alpha', () => {
    applied.on('hat')
    expect(applied.uses[0]?.alpha).toBeGreaterThan(0)
  })

  it('shows them on face A, else on the first selected point', () => {
    expect(currentFace()).toBeNull()
    expect(faceRecipe()).toBeNull()
    selection.select([7, 4])
    expect(currentFace()).toBe(4)
    selection.pick(9, 'a')
    applied.on('smiling', 1)
    expect(faceRecipe()).toEqual({
      kind: 'faces',
      sources: [{ kind: 'image', index: 9 }],
      attributes: [{ name: 'smiling', alpha: 1 }],
    })
  })

  it('are forgotten when another project opens', () => {
    applied.on('smiling', 1)
    applied.keep('smiling', 'hat', true)
    project.open('/another-applied')
    expect(applied.uses).toEqual([])
    expect(applied.keeps).toEqual({})
  })
})
