import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { definitionSets } from '../../../../src/main/engine/create/inputs'
import { setCategorical } from '../../../../src/main/engine/data/labels/categorical'
import { summarizeLabels } from '../../../../src/main/engine/data/labels/summary'
import type { DatasetImage } from '../../../../src/main/engine/data/store'

/** UTKFace-like labels: gender 0/1, race 0..4. */
const images = [0, 1, 2, 2, 4, 0, 2].map((race, i): DatasetImage => ({
  file: `${i}.jpg`,
  bytes: 1,
  mtimeMs: 0,
  hash: `h${i}`,
  labels: { gender: i % 2, race },
}))
const summaries = summarizeLabels(['gender', 'race'], images)
let project: string

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'atelier-categorical-'))
})

afterAll(async () => {
  await rm(project, { recursive: true, force: true })
})

describe('categorical labels', () => {
  it('marks race categorical with value names, kept in atelier.json', async () => {
    const labels = await setCategorical(project, summaries, 'race', true, { '2': 'asian' })
    expect(labels.find((l) => l.name === 'race')?.categorical).toEqual({ names: { '2': 'asian' } })
    expect(labels.find((l) => l.name === 'gender')?.categorical).toBeUndefined()
    const stored = JSON.parse(await readFile(join(project, 'atelier.json'), 'utf8'))
    expect(stored.categoricalLabels).toEqual({ race: { names: { '2': 'asian' } } })
  })

  it('merges new names, removes emptied ones, and unmarks', async () => {
    await setCategorical(project, summaries, 'race', true, { '0': 'white' })
    let labels = await setCategorical(project, summaries, 'race', true, { '2': '' })
    expect(labels.find((l) => l.name === 'race')?.categorical).toEqual({ names: { '0': 'white' } })
    labels = await setCategorical(project, summaries, 'race', false)
    expect(labels.find((l) => l.name === 'race')?.categorical).toBeUndefined()
  })

  it('refuses binary labels and labels the dataset does not have', async () => {
    await expect(setCategorical(project, summaries, 'gender', true)).rejects.toThrow(
      /only takes yes and no/,
    )
    await expect(setCategorical(project, summaries, 'hair', true)).rejects.toThrow(
      /no label 'hair' \(it has: gender, race\)/,
    )
  })

  it('splits "race = 2 vs the rest" and names it; a categorical label needs a value', () => {
    const names = { names: { '2': 'asian' } }
    const sets = definitionSets({ kind: 'label', label: 'race', value: 2 }, images, names)
    expect(sets.a).toEqual([2, 3, 6])
    expect(sets.b).toEqual([0, 1, 4, 5])
    expect(sets.description).toBe('race = asian (2)')
    // Without the mark, "race" as a number would be "race > 0": the bare-number reading.
    expect(() => definitionSets({ kind: 'label', label: 'race' }, images, names)).toThrow(
      /say which value/,
    )
  })
})
