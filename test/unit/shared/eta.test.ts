import { describe, expect, it } from 'vitest'
import { formatEta } from '../../../src/shared/eta'

describe('formatEta', () => {
  it('writes an ETA people can read', () => {
    expect(formatEta(null)).toBe('–')
    expect(formatEta(42.4)).toBe('42 s')
    expect(formatEta(600)).toBe('10 min')
    expect(formatEta(7200)).toBe('2.0 h')
  })
})
