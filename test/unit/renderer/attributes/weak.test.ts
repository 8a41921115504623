import { describe, expect, it } from 'vitest'
import { WEAK_SEPARATION } from '@shared/contract'
import { weakVectorWarning } from '../../../../src/renderer/src/attributes/weak'

describe('weakVectorWarning', () => {
  it('says in words that a vector below the threshold is weak and what edits along it do', () => {
    const warning = weakVectorWarning({ name: 'smiling', separation: 0.2 })
    expect(warning).toContain('"smiling" is weakly separated')
    expect(warning).toContain('0.2 spreads apart')
    expect(warning).toContain('mostly change other things')
  })

  it('stays silent for a vector at or above the threshold', () => {
    expect(weakVectorWarning({ name: 'eyeglasses', separation: WEAK_SEPARATION })).toBeNull()
    expect(weakVectorWarning({ name: 'eyeglasses', separation: 1.4 })).toBeNull()
  })
})
