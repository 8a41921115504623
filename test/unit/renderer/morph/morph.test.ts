import { beforeEach, describe, expect, it, vi } from 'vitest'
import { fakeEngine } from '../support/fake-engine'

vi.mock('../../../../src/renderer/src/engine/engine.svelte', async () => ({
  engine: (await import('../support/fake-engine')).fakeEngine,
}))
const { morph } = await import('../../../../src/renderer/src/morph/morph.svelte')
const { applied } = await import('../../../../src/renderer/src/attributes/applied.svelte')
const { selection } = await import('../../../../src/renderer/src/explorer/selection.svelte')
const { project } = await import('../../../../src/renderer/src/project/project.svelte')

let opened = 0
beforeEach(() => {
  fakeEngine.reset()
  project.open(`/morph-${++opened}`)
})

describe('the morph', () => {
  it('runs from A through the waypoints to B once both are picked', () => {
    expect(morph.path).toBeNull()
    expect(morph.recipe()).toBeNull()
    selection.pick(1)
    selection.pick(9)
    selection.select([1, 4, 9, 6])
    morph.addSelectedAsWaypoint()
    morph.addSelectedAsWaypoint()
    morph.addSelectedAsWaypoint() // nothing selected is left off the path
    expect(morph.path).toEqual([1, 4, 6, 9])
  })

  it('is a recipe with its frames, interpolation and the vectors switched on, or one point of it', () => {
    selection.pick(1)
    selection.pick(2)
    applied.on('smiling', 1)
    morph.frames = 12
    expect(morph.recipe(0.25)).toEqual({
      kind: 'morph',
      waypoints: [
        { kind: 'image', index: 1 },
        { kind: 'image', index: 2 },
      ],
      frames: 12,
      interpolation: 'slerp',
      easing: 'linear',
      at: 0.25,
      attributes: [{ name: 'smiling', alpha: 1 }],
    })
    expect(morph.recipe()).not.toHaveProperty('at')
  })

  it('takes A from an image file, encoded by the project’s model', async () => {
    fakeEngine.answer('create.encode', () => ({ z: [0.5, -0.5], label: 'me.jpg' }))
    selection.pick(3, 'b')
    await morph.encodeFile('a', '/photos/me.jpg')
    expect(fakeEngine.lastParams('create.encode')).toEqual({
      project: project.dir,
      file: '/photos/me.jpg',
    })
    expect(morph.waypoints).toEqual([
      { kind: 'code', z: [0.5, -0.5], label: 'me.jpg' },
      { kind: 'image', index: 3 },
    ])
    // A map path needs both ends on the map.
    expect(morph.path).toBeNull()
  })

  it('drops a code encoded for a project no longer open, and forgets the path for another', async () => {
    let answer: (reply: { z: number[]; label: string }) => void = () => {}
    fakeEngine.answer('create.encode', () => new Promise((resolve) => (answer = resolve)))
    const encoding = morph.encodeFile('a', '/photos/me.jpg')
    await vi.waitFor(() => expect(fakeEngine.asked('create.encode')).toBe(1))
    project.open('/morph-elsewhere')
    answer({ z: [1], label: 'me.jpg' })
    await encoding
    expect(morph.fileA).toBeNull()

    morph.via = [4]
    morph.t = 0.9
    project.open('/morph-elsewhere-again')
    expect([morph.via, morph.t]).toEqual([[], 0.5])
  })
})
