import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { definitionSets } from '../../../../src/main/engine/create/inputs'
import { ingestFolder } from '../../../../src/main/engine/data/ingest'
import {
  cleanEstimates,
  mergeDatasetLabels,
  mergedLabelNames,
  mergeImageLabels,
  summarizeDatasetLabels,
} from '../../../../src/main/engine/data/labels/estimated'
import { decodePipeline, type ImagePipeline } from '../../../../src/main/engine/data/pipeline'
import { readDatasetIndex } from '../../../../src/main/engine/data/store'
import { labelColumns } from '../../../../src/main/engine/map/map-service'

describe('the merge rules for estimated labels', () => {
  it('lets the artist win per label name, and fills only what the artist left unknown', () => {
    const image = {
      labels: { smiling: 0, age: null, folder: 'a' },
      estimated: { smiling: 1, age: 31, happy: 0.9 },
    }
    const merged = mergeImageLabels(image, ['smiling', 'age', 'folder', 'happy', 'gender'])
    expect(merged.labels).toEqual({ smiling: 0, age: 31, folder: 'a', happy: 0.9, gender: null })
    expect(merged.fromEstimate).toEqual(['age', 'happy'])
  })

  it("keeps the artist's names first and in order, adding only the estimated names they lack", () => {
    expect(mergedLabelNames(['b', 'smiling'], ['smiling', 'age', 'b', 'gender'])).toEqual([
      'b',
      'smiling',
      'age',
      'gender',
    ])
    expect(mergedLabelNames(['a'])).toEqual(['a'])
  })

  it('marks a label estimated when any value came from an estimate, with how many', () => {
    const summary = summarizeDatasetLabels({
      labelNames: ['smiling', 'glasses'],
      estimatedLabelNames: ['smiling', 'age'],
      images: [
        { labels: { smiling: 1, glasses: 0 }, estimated: { smiling: 0, age: 20 } },
        { labels: { smiling: null, glasses: 1 }, estimated: { smiling: 1, age: 40 } },
        { labels: { smiling: null, glasses: null } },
      ],
    })
    expect(summary).toEqual([
      {
        name: 'smiling',
        source: 'estimated',
        estimated: 1,
        kind: 'binary',
        known: 2,
        positives: 2,
      },
      { name: 'glasses', source: 'artist', kind: 'binary', known: 2, positives: 1 },
      expect.objectContaining({ name: 'age', source: 'estimated', estimated: 2, min: 20, max: 40 }),
    ])
  })

  it('passes a dataset without estimates through unchanged', () => {
    const images = [{ labels: { a: 1 } }]
    const merged = mergeDatasetLabels({ labelNames: ['a'], images })
    expect(merged.images).toBe(images)
    expect(merged.estimatedCounts.size).toBe(0)
  })

  it('drops what an estimator should not have given: NaN, objects, empty names', () => {
    expect(
      cleanEstimates({ age: Number.NaN, happy: 0.5, '': 1, box: { x: 1 }, gender: 'male', x: '' }),
    ).toEqual({ happy: 0.5, gender: 'male' })
    expect(cleanEstimates({ age: Infinity })).toBeUndefined()
    expect(cleanEstimates(null)).toBeUndefined()
  })
})

describe('an ingest whose image pipeline estimates labels', () => {
  let root: string
  let images: string
  let project: string
  const calls: string[] = []
  /** The faces engineer's detector stands here: decodes as usual, and "estimates" from the name. */
  const estimating: ImagePipeline = async (input) => {
    calls.push(input.file)
    const smiling = input.file.startsWith('smile') ? 1 : 0
    return {
      ...(await decodePipeline(input)),
      estimatedLabels: {
        happy: smiling ? 0.9 : 0.1,
        smiling,
        age: smiling ? 30 : 50,
        gender: smiling ? 'female' : 'male',
        genderProbability: 0.8,
      },
    }
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'atelier-estimated-'))
    images = join(root, 'images')
    project = join(root, 'project')
    await mkdir(images)
    const colours = ['#ff0000', '#00ff00', '#0000ff', '#ffff00']
    const names = ['smile1.png', 'smile2.png', 'stern1.png', 'stern2.png']
    for (const [k, name] of names.entries()) {
      const png = await sharp({
        create: { width: 16, height: 16, channels: 3, background: colours[k] },
      })
        .png()
        .toBuffer()
      await writeFile(join(images, name), png)
    }
    // The artist says stern1 does smile (the estimate says not) and gives nothing for the rest.
    await writeFile(join(root, 'labels.csv'), 'file,smiling\nstern1.png,1\n')
  })

  afterAll(async () => {
    await rm(root, { recursive: true, force: true })
  })

  it('stores the estimates beside the artist labels, merges them and summarises them as estimated', async () => {
    const report = await ingestFolder(project, {
      folder: images,
      size: 8,
      crop: 'center',
      labels: { file: join(root, 'labels.csv') },
      pipeline: estimating,
    })
    const index = await readDatasetIndex(project)
    expect(index.labelNames).toEqual(['smiling'])
    expect(index.estimatedLabelNames).toEqual([
      'happy',
      'smiling',
      'age',
      'gender',
      'genderProbability',
    ])
    const stern1 = index.images.find((im) => im.file === 'stern1.png')
    expect(stern1?.labels).toEqual({ smiling: 1 })
    expect(stern1?.estimated).toMatchObject({ smiling: 0, age: 50, gender: 'male' })

    const byName = Object.fromEntries(report.labels.summary.map((s) => [s.name, s]))
    // The artist's 1 for stern1 wins; the other three come from estimates (smile1, smile2: 1).
    expect(byName.smiling).toMatchObject({
      source: 'estimated',
      estimated: 3,
      kind: 'binary',
      known: 4,
      positives: 3,
    })
    expect(byName.gender).toMatchObject({ source: 'estimated', estimated: 4, kind: 'category' })
    expect(byName.age).toMatchObject({ source: 'estimated', kind: 'number', min: 30, max: 50 })
    expect(report.message).toMatch(/5 labels/)

    // The map's colours and the attribute vector read the merged labels too.
    const columns = labelColumns(index)
    expect(columns.map((c) => c.name)).toEqual(
      mergedLabelNames(['smiling'], index.estimatedLabelNames),
    )
    const sets = definitionSets({ kind: 'label', label: 'smiling' }, index.images)
    expect(sets.a.map((i) => index.images[i].file)).toEqual([
      'smile1.png',
      'smile2.png',
      'stern1.png',
    ])
    expect(sets.b?.map((i) => index.images[i].file)).toEqual(['stern2.png'])
  })

  it('keeps the estimates across a re-ingest without running the pipeline again', async () => {
    calls.length = 0
    const report = await ingestFolder(project, {
      folder: images,
      size: 8,
      crop: 'center',
      pipeline: estimating,
    })
    expect(calls).toEqual([])
    expect(report.reused).toBe(4)
    const index = await readDatasetIndex(project)
    expect(index.images.find((im) => im.file === 'smile2.png')?.estimated).toMatchObject({
      smiling: 1,
      age: 30,
    })
    expect(report.labels.summary.find((s) => s.name === 'age')?.estimated).toBe(4)
  })

  it('reports a pipeline that fails on one image and carries on with the rest', async () => {
    const failing: ImagePipeline = async (input) => {
      if (input.file === 'stern2.png') throw new Error('detector crashed')
      return estimating(input)
    }
    const report = await ingestFolder(join(root, 'p2'), {
      folder: images,
      size: 8,
      crop: 'center',
      pipeline: failing,
    })
    expect(report.images).toBe(3)
    expect(report.skipped).toEqual([
      expect.objectContaining({
        file: 'stern2.png',
        reason: expect.stringMatching(/detector crashed/),
      }),
    ])
  })
})
