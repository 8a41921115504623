import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src/main/engine/backend/select'
import { ingestFolder } from '../../../../src/main/engine/data/ingest'
import { imagePixels, readDataset } from '../../../../src/main/engine/data/store'
import { CELEBA, MAX_ALIGNED_MSE, meanSquaredError, pastedPhoto } from './support/pasted-faces'

const FACE = '000031.jpg'

/** A binary greymap (P5): the test's fixture, written from its definition. */
function pgm(grey: Uint8Array, width: number, height: number): Buffer {
  return Buffer.concat([Buffer.from(`P5\n${width} ${height}\n255\n`), grey])
}

/** A 24-bit bottom-up BMP with a BITMAPINFOHEADER, rows padded to 4 bytes. */
function bmp(rgb: Uint8Array, width: number, height: number): Buffer {
  const row = Math.ceil((width * 3) / 4) * 4
  const out = Buffer.alloc(54 + row * height)
  out.write('BM', 0, 'ascii')
  out.writeUInt32LE(out.length, 2)
  out.writeUInt32LE(54, 10)
  out.writeUInt32LE(40, 14)
  out.writeInt32LE(width, 18)
  out.writeInt32LE(height, 22)
  out.writeUInt16LE(1, 26)
  out.writeUInt16LE(24, 28)
  out.writeUInt32LE(row * height, 34)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (y * width + x) * 3
      const to = 54 + (height - 1 - y) * row + x * 3
      out[to] = rgb[from + 2]
      out[to + 1] = rgb[from + 1]
      out[to + 2] = rgb[from]
    }
  }
  return out
}

/** Each pixel's mean over its channels: a colour crop compared with a grey one. */
function grey(rgb: Uint8Array): Uint8Array {
  const out = new Uint8Array(rgb.length)
  for (let i = 0; i < rgb.length; i += 3) {
    out.fill(Math.round((rgb[i] + rgb[i + 1] + rgb[i + 2]) / 3), i, i + 3)
  }
  return out
}

describe.skipIf(!existsSync(CELEBA))('the face crop of PGM and BMP photos', () => {
  let dir: string
  beforeAll(async () => {
    await selectBackend('wasm')
    dir = await mkdtemp(join(tmpdir(), 'atelier-face-formats-'))
    await mkdir(join(dir, 'photos'))
    await mkdir(join(dir, 'celeba'))
    const photo = sharp(
      await pastedPhoto([{ file: FACE, scale: 1.6, tilt: -9, left: 80, top: 60 }]),
    )
    const rgb = await photo.clone().removeAlpha().raw().toBuffer()
    const luma = await photo.clone().removeAlpha().greyscale().raw().toBuffer()
    // No extensions: the format is read from the content.
    await writeFile(join(dir, 'photos', 'face-bmp'), bmp(rgb, 320, 320))
    await writeFile(join(dir, 'photos', 'face-pgm'), pgm(luma, 320, 320))
    await sharp(join(CELEBA, FACE)).toFile(join(dir, 'celeba', FACE))
  }, 60_000)
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('finds and aligns the face of a BMP and of a grey PGM', async () => {
    const project = join(dir, 'p-face')
    const report = await ingestFolder(project, {
      folder: join(dir, 'photos'),
      size: 64,
      crop: 'face',
    })
    expect(report.skipped).toEqual([])
    expect(report.images).toBe(2)
    await ingestFolder(join(dir, 'p-celeba'), {
      folder: join(dir, 'celeba'),
      size: 64,
      crop: 'celeba',
    })
    const celeba = imagePixels(await readDataset(join(dir, 'p-celeba')), 0)
    const faces = await readDataset(project)
    expect(faces.images.map((im) => im.file)).toEqual(['face-bmp', 'face-pgm'])
    for (const im of faces.images) expect(im.face?.score).toBeGreaterThan(0.5)
    expect(meanSquaredError(imagePixels(faces, 0), celeba)).toBeLessThan(MAX_ALIGNED_MSE)
    expect(meanSquaredError(imagePixels(faces, 1), grey(celeba))).toBeLessThan(MAX_ALIGNED_MSE)
  }, 120_000)
})
