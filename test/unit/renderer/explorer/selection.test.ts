import { describe, expect, it, vi } from 'vitest'

vi.mock('../../../../src/renderer/src/engine/engine.svelte', async () => ({
  engine: (await import('../support/fake-engine')).fakeEngine,
}))
const { selection } = await import('../../../../src/renderer/src/explorer/selection.svelte')
const { project } = await import('../../../../src/renderer/src/project/project.svelte')

describe('the map selection', () => {
  it('keeps the selected indices ascending and each once', () => {
    selection.select([5, 2, 5])
    expect(selection.selected).toEqual([2, 5])
    selection.select([3, 2], true)
    expect(selection.selected).toEqual([2, 3, 5])
    selection.toggle(3)
    selection.toggle(1)
    expect(selection.selected).toEqual([1, 2, 5])
    selection.neighbours = [8]
    selection.clear()
    expect(selection.selected).toEqual([])
    expect(selection.neighbours).toEqual([])
  })

  it('fills A, then B, then moves B to A', () => {
    project.open('/selection-picks')
    selection.pick(1)
    selection.pick(2)
    expect([selection.a, selection.b]).toEqual([1, 2])
    selection.pick(3)
    expect([selection.a, selection.b]).toEqual([2, 3])
    selection.pick(9, 'a')
    expect([selection.a, selection.b]).toEqual([9, 3])
    selection.pick(8, 'b')
    expect([selection.a, selection.b]).toEqual([9, 8])
  })

  it('forgets everything when another project opens, and names the project it belongs to', () => {
    project.open('/selection-one')
    selection.select([1])
    selection.pick(1)
    selection.hovered = 1
    project.open('/selection-two')
    expect(selection.project).toBe('/selection-two')
    expect([selection.selected, selection.a, selection.b, selection.hovered]).toEqual([
      [],
      null,
      null,
      null,
    ])
  })
})
