import { beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('../../../../src/renderer/src/engine/engine.svelte', async () => ({
  engine: (await import('../support/fake-engine')).fakeEngine,
}))
const { generation } = await import('../../../../src/renderer/src/generate/generation.svelte')
const { applied } = await import('../../../../src/renderer/src/attributes/applied.svelte')
const { selection } = await import('../../../../src/renderer/src/explorer/selection.svelte')
const { project } = await import('../../../../src/renderer/src/project/project.svelte')

let opened = 0
beforeEach(() => {
  project.open(`/generation-${++opened}`)
  generation.mode = 'generate'
})

describe('what Generate makes', () => {
  it('draws new faces where the training faces are, with the vectors switched on', () => {
    generation.n = 6
    generation.temperature = 0.8
    generation.seed = 42
    applied.on('smiling', 1)
    expect(generation.recipe()).toEqual({
      kind: 'generate',
      n: 6,
      temperature: 0.8,
      density: 'fitted',
      seed: 42,
      attributes: [{ name: 'smiling', alpha: 1 }],
    })
  })

  it('makes "more like this" around face A, or around a chosen favourite instead', () => {
    generation.mode = 'near'
    expect(generation.recipe()).toBeNull()
    selection.pick(5)
    expect(generation.recipe()).toMatchObject({ kind: 'near', source: { kind: 'image', index: 5 } })
    generation.from = { kind: 'code', z: [0.1, 0.2] }
    expect(generation.source).toEqual({ kind: 'code', z: [0.1, 0.2] })
    // Another project's favourite is forgotten when that project opens.
    project.open('/generation-elsewhere')
    selection.pick(5)
    expect(generation.source).toEqual({ kind: 'image', index: 5 })
  })

  it('throws the dice for another seed', () => {
    const seeds = new Set<number>()
    for (let i = 0; i < 5; i++) {
      generation.dice()
      seeds.add(generation.seed)
    }
    expect(seeds.size).toBeGreaterThan(1)
    for (const seed of seeds) expect(Number.isInteger(seed)).toBe(true)
  })
})
