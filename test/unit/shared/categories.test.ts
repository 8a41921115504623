import { describe, expect, it } from 'vitest'
import type { LabelSummary } from '@shared/contract'
import { categoryAttributes, valueName } from '../../../src/shared/categories'

const race: LabelSummary = {
  name: 'race',
  kind: 'number',
  source: 'artist',
  known: 10,
  min: 0,
  max: 2,
  mean: 0.9,
  values: [
    { value: '0', count: 5 },
    { value: '2', count: 3 },
    { value: '1', count: 2 },
  ],
}

describe('categorical labels as attributes', () => {
  it('gives nothing for a label not marked categorical', () => {
    expect(categoryAttributes(race)).toEqual([])
  })

  it('makes each value its own attribute, named where the artist named it', () => {
    const attributes = categoryAttributes({ ...race, categorical: { names: { '2': 'asian' } } })
    expect(attributes.map((a) => a.name)).toEqual(['race = 0', 'race = asian', 'race = 1'])
    expect(attributes[1]).toMatchObject({
      value: 2,
      count: 3,
      definition: { kind: 'label', label: 'race', value: 2 },
    })
  })

  it('keeps text values as text', () => {
    const hair: LabelSummary = {
      name: 'hair',
      kind: 'category',
      source: 'artist',
      known: 3,
      values: [{ value: 'red', count: 3 }],
      categorical: { names: {} },
    }
    expect(categoryAttributes(hair)[0].definition).toEqual({
      kind: 'label',
      label: 'hair',
      value: 'red',
    })
  })

  it('names a value with its number beside the name', () => {
    expect(valueName(2, { '2': 'asian' })).toBe('asian (2)')
    expect(valueName(1, { '2': 'asian' })).toBe('1')
  })
})
