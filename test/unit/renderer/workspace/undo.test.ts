import { describe, expect, it } from 'vitest'
import { editGroup, type Edits } from '../../../../src/renderer/src/workspace/edits'
import { UndoStack } from '../../../../src/renderer/src/workspace/undo'

describe('the undo stack', () => {
  it('goes back through the edits one by one, then forward again', () => {
    const history = new UndoStack<number>()
    history.record(0)
    history.record(1)
    expect(history.undo(2)).toBe(1)
    expect(history.undo(1)).toBe(0)
    expect(history.undo(0)).toBeNull()
    expect(history.redo(0)).toBe(1)
    expect(history.redo(1)).toBe(2)
    expect(history.redo(2)).toBeNull()
  })

  it('makes edits of one group in a row a single step', () => {
    const history = new UndoStack<number>()
    history.record(0, 'alpha:smiling')
    history.record(1, 'alpha:smiling')
    history.record(2, 'alpha:smiling')
    expect(history.undo(3)).toBe(0)
    expect(history.canUndo).toBe(false)
  })

  it('starts a new step when the group changes or after an undo', () => {
    const history = new UndoStack<number>()
    history.record(0, 'alpha:smiling')
    history.record(1, 'alpha:glasses')
    expect(history.undo(2)).toBe(1)
    history.record(1, 'alpha:glasses')
    expect(history.undo(5)).toBe(1)
    expect(history.undo(1)).toBe(0)
  })

  it('forgets the redo branch on a new edit, and the oldest steps past its limit', () => {
    const history = new UndoStack<number>(2)
    history.record(0)
    history.record(1)
    history.record(2)
    expect(history.undo(3)).toBe(2)
    history.record(2)
    expect(history.canRedo).toBe(false)
    expect(history.undo(9)).toBe(2)
    expect(history.undo(2)).toBe(1)
    expect(history.undo(1)).toBeNull()
  })
})

describe('the undo group of an edit', () => {
  const base: Edits = {
    a: 1,
    b: 2,
    via: [5],
    applied: [
      { name: 'smiling', alpha: 2 },
      { name: 'glasses', alpha: 1 },
    ],
  }
  const withAlpha = (name: string, alpha: number): Edits => ({
    ...base,
    applied: base.applied.map((u) => (u.name === name ? { ...u, alpha } : u)),
  })

  it("is the vector's name when only its alpha moved", () => {
    expect(editGroup(base, withAlpha('smiling', 2.5))).toBe('alpha:smiling')
  })

  it('is none for picks, waypoints, vectors switched on or off, or two alphas at once', () => {
    expect(editGroup(base, { ...base, a: 3 })).toBeNull()
    expect(editGroup(base, { ...base, via: [5, 6] })).toBeNull()
    expect(editGroup(base, { ...base, applied: base.applied.slice(1) })).toBeNull()
    const both = {
      ...withAlpha('smiling', 3),
      applied: [
        { name: 'smiling', alpha: 3 },
        { name: 'glasses', alpha: 0 },
      ],
    }
    expect(editGroup(base, both)).toBeNull()
  })
})
