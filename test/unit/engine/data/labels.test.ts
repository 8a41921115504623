import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { attachLabels } from '../../../../src/main/engine/data/labels/attach'
import { parseCelebaAttributes } from '../../../../src/main/engine/data/labels/celeba'
import { compileNamePattern } from '../../../../src/main/engine/data/labels/pattern'
import { summarizeLabels } from '../../../../src/main/engine/data/labels/summary'
import { parseLabelTable } from '../../../../src/main/engine/data/labels/table'

describe('CelebA attribute lists', () => {
  const text = [
    '4',
    '5_o_Clock_Shadow Eyeglasses Smiling',
    '000001.jpg -1  1  1',
    '000002.jpg  1 -1 -1',
    '000003.jpg  1 -1', // a value missing
    '000004.jpg  1  x  0', // one unreadable value; 0 read as -1
    '',
  ].join('\r\n')

  it('reads 1/-1 as 1/0 and reports malformed rows by line', () => {
    const table = parseCelebaAttributes(text)
    expect(table.names).toEqual(['5_o_Clock_Shadow', 'Eyeglasses', 'Smiling'])
    expect(table.rows.get('000001.jpg')).toEqual({
      '5_o_Clock_Shadow': 0,
      Eyeglasses: 1,
      Smiling: 1,
    })
    expect(table.rows.get('000002.jpg')).toEqual({
      '5_o_Clock_Shadow': 1,
      Eyeglasses: 0,
      Smiling: 0,
    })
    expect(table.rows.has('000003.jpg')).toBe(false)
    expect(table.rows.get('000004.jpg')).toEqual({
      '5_o_Clock_Shadow': 1,
      Eyeglasses: null,
      Smiling: 0,
    })
    expect(table.problems.map((p) => p.line)).toEqual([5, 6, 1])
    expect(table.problems[0].reason).toMatch(/2 values for 3 attributes/)
    expect(table.problems[2].reason).toMatch(/says 4 rows; 3 read/)
  })
})

describe('CSV and TSV label tables', () => {
  it('finds the file column, and types each column from its values', () => {
    const table = parseLabelTable(
      [
        'smile,filename,glasses,happy,age,style,score',
        '1,a.png,true,yes,31,"ink, wash",0.5',
        '0,b.png,false,no,45,oil,1',
        '1,c.png,TRUE,Y,,oil,-2',
        '-1,d.png,false,n,7,"say ""hi""",3',
      ].join('\n'),
    )
    expect(table.names).toEqual(['smile', 'glasses', 'happy', 'age', 'style', 'score'])
    expect(table.rows.get('a.png')).toEqual({
      smile: 1,
      glasses: 1,
      happy: 1,
      age: 31,
      style: 'ink, wash',
      score: 0.5,
    })
    expect(table.rows.get('c.png')).toEqual({
      smile: 1,
      glasses: 1,
      happy: 1,
      age: null,
      style: 'oil',
      score: -2,
    })
    expect(table.rows.get('d.png')).toMatchObject({
      smile: 0,
      glasses: 0,
      happy: 0,
      style: 'say "hi"',
    })
  })

  it('reads TSV, and reports rows with the wrong number of cells or no file name', () => {
    const table = parseLabelTable(
      [
        'image\tSmiling\tHat',
        'x.jpg\t1\t0',
        'y.jpg\t1',
        '\t1\t1',
        'z.jpg\t0\t1',
        'x.jpg\t0\t0',
      ].join('\n'),
    )
    expect([...table.rows.keys()]).toEqual(['x.jpg', 'z.jpg'])
    expect(table.rows.get('x.jpg')).toEqual({ Smiling: 0, Hat: 0 }) // the later row wins
    expect(table.problems.map((p) => [p.line, p.reason.split(';')[0]])).toEqual([
      [3, '2 cells for 3 columns'],
      [4, 'no file name'],
      [6, 'x.jpg listed again'],
    ])
  })
})

describe('file-name patterns', () => {
  const utk = compileNamePattern('{age}_{gender}_{race}_{date}.jpg.chip.jpg')

  it('reads UTKFace names, numbers as numbers, long digit runs as text', () => {
    expect(utk.names).toEqual(['age', 'gender', 'race', 'date'])
    expect(utk.match('26_1_3_20170119180459124.jpg.chip.jpg')).toEqual({
      age: 26,
      gender: 1,
      race: 3,
      date: '20170119180459124',
    })
    expect(utk.match('sub/9_0_2_201701.jpg.chip.jpg')).toMatchObject({ age: 9 })
  })

  it('gives no labels for a malformed name instead of failing', () => {
    expect(utk.match('61_1_20170109142408075.jpg.chip.jpg')).toBeNull() // race missing
    expect(utk.match('39_1_20170116174525125.jpg.chip.jpg')).toBeNull()
    expect(utk.match('holiday.jpg')).toBeNull()
  })

  it('skips {_} fields and rejects patterns without fields', () => {
    const p = compileNamePattern('{_}-{mood}.png')
    expect(p.names).toEqual(['mood'])
    expect(p.match('0001-happy.png')).toEqual({ mood: 'happy' })
    expect(() => compileNamePattern('photo.png')).toThrow(/no \{field\}/)
    expect(() => compileNamePattern('{a}_{a}.png')).toThrow(/twice/)
  })
})

describe('attaching labels to files', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'atelier-labels-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('matches rows by path, by name, or by name without extension, and reports what did not match', async () => {
    const file = join(dir, 'labels.csv')
    await writeFile(
      file,
      ['file,Smiling', 'cats/a.jpg,1', 'b.jpg,0', 'c,1', 'ghost.jpg,1', 'bad row'].join('\n'),
    )
    const files = ['cats/a.jpg', 'dogs/b.jpg', 'dogs/c.png', 'dogs/unlisted.jpg']
    const out = await attachLabels(files, { file, folders: true })
    expect(out.labelNames).toEqual(['Smiling', 'folder'])
    expect(out.labels).toEqual([
      { Smiling: 1, folder: 'cats' },
      { Smiling: 0, folder: 'dogs' },
      { Smiling: 1, folder: 'dogs' },
      { Smiling: null, folder: 'dogs' },
    ])
    expect(out.report.unmatchedRows).toEqual(['ghost.jpg'])
    expect(out.report.problems[0]).toMatchObject({ line: 6 })
  })

  it('reports files without labels and names that miss the pattern', async () => {
    const out = await attachLabels(['20_0_1_x.jpg.chip.jpg', 'odd.jpg'], {
      pattern: '{age}_{gender}_{race}_{date}.jpg.chip.jpg',
    })
    expect(out.labels[1]).toEqual({ age: null, gender: null, race: null, date: null })
    expect(out.report.patternMisses).toEqual(['odd.jpg'])
    expect(out.report.unlabelledFiles).toEqual(['odd.jpg'])
    expect(
      summarizeLabels(
        out.labelNames,
        out.labels.map((labels) => ({ labels })),
      )[0],
    ).toMatchObject({
      name: 'age',
      kind: 'number',
      known: 1,
      min: 20,
    })
  })

  it('names the label file when it cannot be read or has no attributes', async () => {
    await expect(attachLabels(['a.jpg'], { file: join(dir, 'missing.csv') })).rejects.toThrow(
      /Cannot read the label file .*missing\.csv/,
    )
    const empty = join(dir, 'empty.csv')
    await writeFile(empty, '')
    await expect(attachLabels(['a.jpg'], { file: empty })).rejects.toThrow(/no attribute columns/)
  })
})
