import { existsSync } from 'node:fs'
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src/main/engine/backend/select'
import { ingestFolder } from '../../../../src/main/engine/data/ingest'
import { imagePixels, readDataset } from '../../../../src/main/engine/data/store'
import { CELEBA, MAX_ALIGNED_MSE, meanSquaredError, pastedPhoto } from './support/pasted-faces'

const FACES = ['000011.jpg', '000012.jpg', '000013.jpg', '000014.jpg']

/** A CelebA face pasted at `scale`, `tilt` degrees and an offset onto a plain 320x320 background. */
async function pasted(file: string, scale: number, tilt: number, left: number, top: number) {
  return sharp(await pastedPhoto([{ file, scale, tilt, left, top }]))
    .jpeg({ quality: 92 })
    .toBuffer()
}

describe.skipIf(!existsSync(CELEBA))('ingest with --crop face', () => {
  let dir: string
  beforeAll(async () => {
    await selectBackend('wasm')
    dir = await mkdtemp(join(tmpdir(), 'atelier-faces-'))
    await mkdir(join(dir, 'photos'))
    await mkdir(join(dir, 'celeba'))
    const placements = [
      [1.0, 10, 20, 30],
      [1.6, -12, 120, 60],
      [2.1, 6, 40, 50],
      [1.3, -4, 150, 130],
    ] as const
    for (const [i, file] of FACES.entries()) {
      const [scale, tilt, left, top] = placements[i]
      await sharp(await pasted(file, scale, tilt, left, top)).toFile(join(dir, 'photos', file))
      await sharp(join(CELEBA, file)).toFile(join(dir, 'celeba', file))
    }
  }, 60_000)
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('finds every face and aligns it to the CelebA framing', async () => {
    const faces = join(dir, 'p-face')
    const celeba = join(dir, 'p-celeba')
    const report = await ingestFolder(faces, {
      folder: join(dir, 'photos'),
      size: 64,
      crop: 'face',
    })
    await ingestFolder(celeba, { folder: join(dir, 'celeba'), size: 64, crop: 'celeba' })
    expect(report.images).toBe(FACES.length)
    const a = await readDataset(faces)
    const b = await readDataset(celeba)
    for (let i = 0; i < FACES.length; i++) {
      expect(a.images[i].file).toBe(b.images[i].file)
      expect(a.images[i].face?.score).toBeGreaterThan(0.5)
      expect(a.images[i].estimated?.gender).toMatch(/^(male|female)$/)
      expect(meanSquaredError(imagePixels(a, i), imagePixels(b, i)), FACES[i]).toBeLessThan(
        MAX_ALIGNED_MSE,
      )
    }
    // A re-ingest at another size takes the faces from the index instead of detecting again.
    const again = await ingestFolder(faces, { folder: join(dir, 'photos'), size: 32, crop: 'face' })
    expect(again.images).toBe(FACES.length)
    const c = await readDataset(faces)
    expect(c.images.map((im) => im.face)).toEqual(a.images.map((im) => im.face))
  }, 120_000)

  it('reports a photo without a face as such, not as a damaged file', async () => {
    const folder = join(dir, 'no-face')
    await mkdir(folder)
    const background = { width: 320, height: 320, channels: 3, background: '#8a9aa8' } as const
    await sharp({ create: background }).jpeg().toFile(join(folder, 'wall.jpg'))
    await copyFile(join(dir, 'photos', FACES[0]), join(folder, FACES[0]))
    const report = await ingestFolder(join(dir, 'p-no-face'), { folder, size: 32, crop: 'face' })
    expect(report.images).toBe(1)
    expect(report.skipped).toMatchObject([{ file: 'wall.jpg', kind: 'no-face' }])
    expect(report.skippedByFormat).toEqual([{ format: 'JPEG', reason: 'no face found', count: 1 }])
  }, 60_000)
})
