import { describe, expect, it } from 'vitest'
import type { LabelColumn } from '@shared/contract'
import { searchPoints } from '../../../../src/renderer/src/explorer/search'

const files = ['portraits/anna.png', 'portraits/ben.png', 'sketches/anna-2.png']
const labels: LabelColumn[] = [
  { name: 'Smiling', kind: 'number', values: new Float32Array([1, -1, 1]) },
  {
    name: 'hair',
    kind: 'category',
    categories: ['blond', 'black'],
    codes: new Uint16Array([1, 0, 0xffff]),
  },
]

describe('searchPoints', () => {
  it('matches file names, set labels and label values', () => {
    expect(Array.from(searchPoints('anna', files, labels))).toEqual([0, 2])
    expect(Array.from(searchPoints('smiling', files, labels))).toEqual([0, 2])
    expect(Array.from(searchPoints('hair=blond', files, labels))).toEqual([1])
    expect(Array.from(searchPoints('blond', files, labels))).toEqual([1])
  })

  it('needs every word to match, and matches nothing for an empty query', () => {
    expect(Array.from(searchPoints('anna sketches', files, labels))).toEqual([2])
    expect(Array.from(searchPoints('  ', files, labels))).toEqual([])
  })
})
