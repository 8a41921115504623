import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ingestFolder } from '../../../../src/main/engine/data/ingest'
import { imagePixels, readDataset } from '../../../../src/main/engine/data/store'

/** A 2x2 24-bit BMP of one colour: test data written byte by byte (rows padded to 4 bytes). */
function bmp(r: number, g: number, b: number): Buffer {
  const row = Buffer.from([b, g, r, b, g, r, 0, 0])
  const file = Buffer.alloc(54)
  file.write('BM', 0, 'latin1')
  file.writeUInt32LE(54 + 16, 2)
  file.writeUInt32LE(54, 10)
  file.writeUInt32LE(40, 14)
  file.writeInt32LE(2, 18)
  file.writeInt32LE(2, 22)
  file.writeUInt16LE(1, 26)
  file.writeUInt16LE(24, 28)
  file.writeUInt32LE(16, 34)
  return Buffer.concat([file, row, row])
}

const grey = (v: number) => Buffer.from(`P2\n# a grey face\n2 2\n255\n${v} ${v}\n${v} ${v}\n`)

describe('images read by their content, whatever their name', () => {
  let root: string
  let images: string
  let report: Awaited<ReturnType<typeof ingestFolder>>
  let colourOf: (file: string) => number[]

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'atelier-formats-'))
    images = join(root, 'images')
    await mkdir(images)
    const solid = (colour: string, format: 'gif' | 'png') =>
      sharp({ create: { width: 12, height: 12, channels: 3, background: colour } })
        .toFormat(format)
        .toBuffer()
    await writeFile(join(images, 'subject01.happy'), await solid('#ff0000', 'gif'))
    await writeFile(join(images, 'really-a-png.jpg'), await solid('#00ff00', 'png'))
    await writeFile(join(images, 'p2.pgm'), grey(100))
    await writeFile(
      join(images, 'p5'),
      Buffer.concat([Buffer.from('P5\n2 2\n255\n'), Buffer.from([200, 200, 200, 200])]),
    )
    await writeFile(join(images, 'p3.ppm'), Buffer.from('P3\n1 1\n255\n0 0 255\n'))
    await writeFile(
      join(images, 'p6.dat'),
      Buffer.concat([Buffer.from('P6\n1 1\n255\n'), Buffer.from([255, 255, 0])]),
    )
    await writeFile(join(images, 'face.bmp'), bmp(255, 0, 255))
    await writeFile(join(images, 'text.jpg'), 'a note, not a picture\n')
    await writeFile(
      join(images, 'cut.pgm'),
      Buffer.concat([Buffer.from('P5\n20 20\n255\n'), Buffer.alloc(30, 9)]),
    )
    await writeFile(
      join(images, 'layers'),
      Buffer.concat([Buffer.from('8BPS'), Buffer.from([0, 1]), Buffer.alloc(40)]),
    )
    await writeFile(join(images, 'labels.csv'), 'file,smiling\np2.pgm,1\n')
    await writeFile(join(images, 'notes.txt'), 'shot in 2019\n')
    report = await ingestFolder(join(root, 'project'), { folder: images, size: 4, crop: 'center' })
    const dataset = await readDataset(join(root, 'project'))
    colourOf = (file) => {
      const i = dataset.images.findIndex((im) => im.file === file)
      expect(i, file).toBeGreaterThanOrEqual(0)
      return Array.from(imagePixels(dataset, i).subarray(0, 3))
    }
  })

  afterAll(async () => {
    await rm(root, { recursive: true, force: true })
  })

  it('reads an extensionless GIF, a PNG named .jpg, PGM P2/P5, PPM P3/P6 and BMP', () => {
    expect(colourOf('subject01.happy')).toEqual([255, 0, 0])
    expect(colourOf('really-a-png.jpg')).toEqual([0, 255, 0])
    expect(colourOf('p2.pgm')).toEqual([100, 100, 100])
    expect(colourOf('p5')).toEqual([200, 200, 200])
    expect(colourOf('p3.ppm')).toEqual([0, 0, 255])
    expect(colourOf('p6.dat')).toEqual([255, 255, 0])
    expect(colourOf('face.bmp')).toEqual([255, 0, 255])
    expect(report.images).toBe(7)
  })

  it('reports a text file named .jpg, a truncated PGM and a PSD, and counts notes as other files', () => {
    const reasons = Object.fromEntries(report.skipped.map((s) => [s.file, s]))
    expect(reasons['text.jpg']).toMatchObject({ kind: 'invalid', reason: /not an image/ })
    expect(reasons['cut.pgm']).toMatchObject({ kind: 'invalid', format: 'PGM' })
    expect(reasons['cut.pgm'].reason).toMatch(/truncated or damaged PGM/)
    expect(reasons.layers).toMatchObject({ kind: 'unsupported', format: 'PSD' })
    expect(reasons.layers.reason).toMatch(/PSD: not supported/)
    expect(report.otherFiles).toBe(2)
    expect(report.skippedByFormat).toEqual(
      expect.arrayContaining([
        { format: 'PSD', reason: 'not supported', count: 1 },
        { format: 'PGM', reason: 'damaged or not an image', count: 1 },
        { format: 'unrecognised', reason: 'damaged or not an image', count: 1 },
      ]),
    )
  })

  it('names what it found in a folder with no image it can read', async () => {
    const psds = join(root, 'psds')
    await mkdir(psds)
    for (const n of [1, 2, 3]) {
      await writeFile(
        join(psds, `art${n}.psd`),
        Buffer.concat([Buffer.from('8BPS'), Buffer.alloc(40, n)]),
      )
    }
    await writeFile(join(psds, 'list.txt'), 'three drawings')
    await expect(
      ingestFolder(join(root, 'p2'), { folder: psds, size: 4, crop: 'center' }),
    ).rejects.toThrow(/3 PSD \(not supported\); 1 other files \(1 \.txt\)/)
  })
})
