import { describe, expect, it } from 'vitest'
import { showingProblem } from '../../../../src/renderer/src/ui/problem'

describe('showingProblem', () => {
  it('clears the last problem, and shows the words of a new one', async () => {
    const store = { problem: 'the last one' as string | null }
    await showingProblem(store, async () => {
      expect(store.problem).toBeNull()
    })
    expect(store.problem).toBeNull()
    await showingProblem(store, () => Promise.reject(new Error('photo.jpg: not found')))
    expect(store.problem).toBe('photo.jpg: not found')
  })
})
