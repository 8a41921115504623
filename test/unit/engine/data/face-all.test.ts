import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { selectBackend } from '../../../../src/main/engine/backend/select'
import { detectFaces } from '../../../../src/main/engine/data/faces/detector'
import { faceSource } from '../../../../src/main/engine/data/faces/source-photo'
import { ingestFolder } from '../../../../src/main/engine/data/ingest'
import { imagePixels, readDataset } from '../../../../src/main/engine/data/store'
import { CELEBA, MAX_ALIGNED_MSE, meanSquaredError, pastedPhoto } from './support/pasted-faces'

// The real detector, counted: a re-ingest must not call it.
vi.mock('../../../../src/main/engine/data/faces/detector', async (original) => {
  const real = await original<typeof import('../../../../src/main/engine/data/faces/detector')>()
  return { ...real, detectFaces: vi.fn(real.detectFaces) }
})

const BIG = '000021.jpg'
const SMALL = '000022.jpg'
const ALONE = '000023.jpg'

describe.skipIf(!existsSync(CELEBA))('ingest with --crop face --faces all', () => {
  let dir: string
  let photos: string
  beforeAll(async () => {
    await selectBackend('wasm')
    dir = await mkdtemp(join(tmpdir(), 'atelier-faces-all-'))
    photos = join(dir, 'photos')
    await mkdir(photos)
    await mkdir(join(dir, 'celeba'))
    // Two faces in one photo (the larger on the left, tilted), one face alone in another.
    const two = await pastedPhoto(
      [
        { file: BIG, scale: 1.5, tilt: 8, left: 12, top: 60 },
        { file: SMALL, scale: 1.1, tilt: -6, left: 230, top: 100 },
      ],
      400,
      320,
    )
    await writeFile(join(photos, 'pair.png'), two)
    await writeFile(
      join(photos, 'single.png'),
      await pastedPhoto([{ file: ALONE, scale: 1.3, tilt: 0, left: 90, top: 70 }]),
    )
    await writeFile(join(photos, 'zz-broken.jpg'), Buffer.from('not a JPEG at all'))
    for (const file of [BIG, SMALL, ALONE]) {
      await sharp(join(CELEBA, file)).toFile(join(dir, 'celeba', file))
    }
  }, 60_000)
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('makes each face its own image, says which photo and face it is, and never detects twice', async () => {
    const project = join(dir, 'p-all')
    const report = await ingestFolder(project, {
      folder: photos,
      size: 64,
      crop: 'face',
      faces: 'all',
    })
    expect(report.source).toMatchObject({ crop: 'face', faces: 'all' })
    expect(report.images).toBe(3)
    expect(report.skipped).toEqual([
      expect.objectContaining({
        file: 'zz-broken.jpg',
        reason: expect.stringMatching(/not an image/),
      }),
    ])
    const faces = await readDataset(project)
    expect(faces.images.map((im) => [im.file, im.faceIndex])).toEqual([
      ['pair.png', 0],
      ['pair.png', 1],
      ['single.png', 0],
    ])
    // The larger face is the left one; the boxes are apart.
    const [big, small] = faces.images
    expect(big.face!.box.width).toBeGreaterThan(small.face!.box.width)
    expect(big.face!.box.x + big.face!.box.width).toBeLessThan(small.face!.box.x)

    const reference = join(dir, 'p-celeba')
    await ingestFolder(reference, { folder: join(dir, 'celeba'), size: 64, crop: 'celeba' })
    const celeba = await readDataset(reference)
    const celebaOf = (file: string) =>
      imagePixels(
        celeba,
        celeba.images.findIndex((im) => im.file === file),
      )
    ;[BIG, SMALL, ALONE].forEach((file, i) => {
      expect(meanSquaredError(imagePixels(faces, i), celebaOf(file)), file).toBeLessThan(
        MAX_ALIGNED_MSE,
      )
    })

    // A re-ingest at another size takes every face from the index: no detection.
    vi.mocked(detectFaces).mockClear()
    const again = await ingestFolder(project, {
      folder: photos,
      size: 32,
      crop: 'face',
      faces: 'all',
    })
    expect(detectFaces).not.toHaveBeenCalled()
    expect(again.images).toBe(3)
    const smaller = await readDataset(project)
    expect(smaller.images.map((im) => im.face)).toEqual(faces.images.map((im) => im.face))
    // ... and one at the same size reuses the pixels as they are.
    const same = await ingestFolder(project, {
      folder: photos,
      size: 32,
      crop: 'face',
      faces: 'all',
    })
    expect(same).toMatchObject({ images: 3, processed: 0, reused: 2 })
    expect((await readDataset(project)).pixels).toEqual(smaller.pixels)
    expect(detectFaces).not.toHaveBeenCalled()
  }, 180_000)

  it('keeps a photo without a face as a centre crop, and does not look for one again at another size', async () => {
    const folder = join(dir, 'no-face')
    await mkdir(folder)
    const wall = sharp({ create: { width: 120, height: 90, channels: 3, background: '#7a8b9c' } })
    await writeFile(join(folder, 'wall.png'), await wall.png().toBuffer())
    const project = join(dir, 'p-no-face')
    await ingestFolder(project, { folder, size: 32, crop: 'face', noFace: 'center' })
    expect((await readDataset(project)).images.map((im) => im.face)).toEqual([undefined])
    vi.mocked(detectFaces).mockClear()
    const again = await ingestFolder(project, { folder, size: 64, crop: 'face', noFace: 'center' })
    expect(detectFaces).not.toHaveBeenCalled()
    expect(again).toMatchObject({ images: 1, processed: 1 })
  }, 60_000)

  it('keeps only the largest face of each photo by default', async () => {
    const report = await ingestFolder(join(dir, 'p-largest'), {
      folder: photos,
      size: 32,
      crop: 'face',
    })
    expect(report.images).toBe(2)
    const index = await readDataset(join(dir, 'p-largest'))
    expect(index.images.map((im) => [im.file, im.faceIndex])).toEqual([
      ['pair.png', undefined],
      ['single.png', undefined],
    ])
  }, 120_000)

  it('reports a detector failure on one photo in a line and keeps the others', async () => {
    const detector = '../../../../src/main/engine/data/faces/detector'
    const real = (
      await vi.importActual<typeof import('../../../../src/main/engine/data/faces/detector')>(
        detector,
      )
    ).detectFaces
    // The pair is the only 400-pixel-wide photo.
    vi.mocked(detectFaces).mockImplementation((rgb, width, height, scale) =>
      width === 400 ? Promise.reject(new Error('out of memory')) : real(rgb, width, height, scale),
    )
    try {
      const report = await ingestFolder(join(dir, 'p-failing'), {
        folder: photos,
        size: 32,
        crop: 'face',
        faces: 'all',
      })
      expect(report.images).toBe(1)
      expect(report.skipped.map((s) => `${s.file}: ${s.reason}`)).toEqual([
        'pair.png: the face detector failed (out of memory)',
        expect.stringMatching(/^zz-broken\.jpg: not an image/),
      ])
    } finally {
      vi.mocked(detectFaces).mockImplementation(real)
    }
  })

  it('serves each face image its photo, downscaled, with its own face box, and refuses a photo changed since', async () => {
    const project = join(dir, 'p-largest')
    const pair = await faceSource(join(dir, 'p-all'), 1, 200)
    expect(pair).toMatchObject({ index: 1, file: 'pair.png', width: 200, height: 160, scale: 0.5 })
    expect(pair!.pixels.length).toBe(200 * 160 * 3)
    // Face 1 of the pair is the small one on the right.
    expect(pair!.face.box.x * pair!.scale).toBeGreaterThan(100)
    expect((await faceSource(project, 1, 256))?.face).toEqual(
      (await readDataset(project)).images[1].face,
    )
    await expect(faceSource(project, 2, 256)).rejects.toThrow(/outside the dataset/)
    expect(await faceSource(join(dir, 'p-celeba'), 0, 256)).toBeNull()
    await writeFile(
      join(photos, 'single.png'),
      await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
        .png()
        .toBuffer(),
    )
    await expect(faceSource(project, 1, 256)).rejects.toThrow(
      /single\.png has changed since it was ingested/,
    )
  })
})
