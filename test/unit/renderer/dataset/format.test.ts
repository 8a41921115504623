import { describe, expect, it } from 'vitest'
import { estimateNote } from '../../../../src/renderer/src/dataset/format'

describe("a label's estimated tag", () => {
  it('is absent for the artist’s labels, and says how many values are estimates', () => {
    const base = { name: 'smiling', kind: 'binary' as const, known: 10, positives: 4 }
    expect(estimateNote({ ...base, source: 'artist' })).toBeNull()
    expect(estimateNote({ ...base, source: 'estimated', estimated: 10 })).toMatch(/all 10 images/)
    expect(estimateNote({ ...base, source: 'estimated', estimated: 3 })).toMatch(
      /3 of the 10 images.*the rest are yours/,
    )
  })
})
