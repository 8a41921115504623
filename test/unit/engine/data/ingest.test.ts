import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  chmod,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { crc32 } from 'node:zlib'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src/main/engine/backend/select'
import { ingestFolder } from '../../../../src/main/engine/data/ingest'
import { datasetFiles, imagePixels, readDataset } from '../../../../src/main/engine/data/store'
import { Engine } from '../../../../src/main/engine/engine'
import { LOCK_FILE } from '../../../../src/main/engine/project/lock'
import { datasetHandlers } from '../../../../src/main/engine/handlers/dataset'
import type { Handlers } from '../../../../src/main/engine/handlers/types'

const S = 8

/** A small solid-colour image in the given format. */
function solid(
  colour: string,
  format: 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'avif',
  w = 24,
  h = 24,
) {
  return sharp({ create: { width: w, height: h, channels: 3, background: colour } })
    .toFormat(format)
    .toBuffer()
}

/** A valid 1x1 PNG whose header claims `w` x `h` pixels: what a decompression bomb looks like to a decoder. */
async function bombPng(w: number, h: number): Promise<Buffer> {
  const png = Buffer.from(await solid('#000', 'png', 1, 1))
  // IHDR data starts at byte 16: width, height (big-endian), then its CRC over type + data.
  png.writeUInt32BE(w, 16)
  png.writeUInt32BE(h, 20)
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29)
  return png
}

/** Every file under `dir` with its bytes' hash and mtime: to prove the ingest never touched them. */
async function fingerprint(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name)
      const rel = relative(dir, p)
      if (e.isDirectory()) await walk(p)
      else if (e.isFile()) {
        const info = await stat(p)
        const hash =
          info.mode & 0o444
            ? createHash('sha1')
                .update(await readFile(p).catch(() => ''))
                .digest('hex')
            : ''
        out[rel] = `${hash} ${info.mtimeMs} ${info.mode}`
      } else out[rel] = e.isSymbolicLink() ? 'link' : 'other'
    }
  }
  await walk(dir)
  return out
}

describe('folder ingest', () => {
  let root: string
  let images: string
  let project: string

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'atelier-ingest-'))
    images = join(root, 'images')
    project = join(root, 'project')
    await mkdir(join(images, 'sub', 'deeper'), { recursive: true })
    await mkdir(join(images, 'looks like.jpg'))
    // Usable images, one per format, some in sub-folders, unusual names included.
    await writeFile(join(images, 'a.jpg'), await solid('#ff0000', 'jpeg'))
    await writeFile(join(images, 'b.png'), await solid('#00ff00', 'png'))
    await writeFile(join(images, 'c.webp'), await solid('#0000ff', 'webp'))
    await writeFile(join(images, 'd.gif'), await solid('#ffff00', 'gif'))
    await writeFile(join(images, 'e.tiff'), await solid('#00ffff', 'tiff'))
    await writeFile(join(images, 'f.avif'), await solid('#ff00ff', 'avif'))
    await writeFile(join(images, 'sub', 'spaces and ünïcødé 😀.png'), await solid('#808080', 'png'))
    await writeFile(join(images, 'sub', 'deeper', 'g.JPG'), await solid('#202020', 'jpeg'))
    await writeFile(join(images, 'looks like.jpg', 'inside.png'), await solid('#404040', 'png'))
    // Bad input of every kind.
    await writeFile(join(images, 'zero.jpg'), Buffer.alloc(0))
    const jpeg = await sharp({
      create: {
        width: 64,
        height: 64,
        channels: 3,
        background: '#000',
        noise: { type: 'gaussian', mean: 128, sigma: 40 },
      },
    })
      .jpeg()
      .toBuffer()
    await writeFile(join(images, 'truncated.jpg'), jpeg.subarray(0, Math.floor(jpeg.length * 0.6)))
    await writeFile(
      join(images, 'corrupt.png'),
      Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n'), Buffer.alloc(100, 7)]),
    )
    await writeFile(join(images, 'notes.png'), 'this is a text file with an image name\n')
    await writeFile(join(images, 'bomb.png'), await bombPng(40_000, 40_000))
    await writeFile(join(images, 'copy of a.jpg'), await readFile(join(images, 'a.jpg')))
    await writeFile(join(images, 'readme.txt'), 'not an image name: ignored, counted')
    await symlink(join(images, 'missing.jpg'), join(images, 'broken link.jpg'))
    await symlink(join(images, 'self.jpg'), join(images, 'self.jpg'))
    await symlink(images, join(images, 'sub', 'loop'))
    execFileSync('mkfifo', [join(images, 'pipe.jpg')])
    await writeFile(join(images, 'locked.png'), await solid('#123456', 'png'))
    await chmod(join(images, 'locked.png'), 0o000)
  })

  afterAll(async () => {
    await chmod(join(images, 'locked.png'), 0o644).catch(() => undefined)
    await rm(root, { recursive: true, force: true })
  })

  it('keeps every readable image, reports every bad file with its reason, and never touches the source', async () => {
    const before = await fingerprint(images)
    const report = await ingestFolder(project, { folder: images, size: S, crop: 'center' })
    expect(await fingerprint(images)).toEqual(before)

    const reasons = Object.fromEntries(report.skipped.map((s) => [s.file, s.reason]))
    expect(reasons['zero.jpg']).toMatch(/empty file/)
    expect(reasons['truncated.jpg']).toMatch(/truncated|damaged|decode/)
    expect(reasons['corrupt.png']).toMatch(/decode|damaged|not an image/)
    expect(reasons['notes.png']).toMatch(/not an image/)
    expect(reasons['bomb.png']).toMatch(/40000 x 40000.*megapixel limit/)
    expect(reasons['copy of a.jpg']).toBe('duplicate of a.jpg (same content)')
    expect(reasons['broken link.jpg']).toMatch(/broken symbolic link/)
    expect(reasons['self.jpg']).toMatch(/symbolic link loop/)
    expect(reasons['sub/loop/']).toMatch(/already scanned/)
    expect(reasons['pipe.jpg']).toMatch(/not a regular file \(a named pipe\)/)

    const kept = (await readDataset(project)).images.map((im) => im.file)
    const expected = [
      'a.jpg',
      'b.png',
      'c.webp',
      'd.gif',
      'e.tiff',
      'f.avif',
      'looks like.jpg/inside.png',
      'sub/deeper/g.JPG',
      'sub/spaces and ünïcødé 😀.png',
    ]
    // Running as root, a chmod 000 file is still readable; anyone else gets it reported.
    if (process.getuid?.() === 0) expected.splice(6, 0, 'locked.png')
    else expect(reasons['locked.png']).toMatch(/permission denied/)
    expect(kept).toEqual(expected)
    expect(report.images).toBe(expected.length)
    expect(report.otherFiles).toBe(1)

    // The report is saved with the dataset, in full.
    const saved = JSON.parse(await readFile(datasetFiles(project).report, 'utf8'))
    expect(saved.skipped.length).toBe(report.skipped.length)
  })

  it('made the new project folder holding its writer lock, before writing into it', async () => {
    const lock = JSON.parse(await readFile(join(project, LOCK_FILE), 'utf8'))
    expect(lock).toMatchObject({ pid: process.pid, project })
  })

  it('stores the right colours: the red JPEG is red, the green PNG is green', async () => {
    const dataset = await readDataset(project)
    const red = imagePixels(
      dataset,
      dataset.images.findIndex((im) => im.file === 'a.jpg'),
    )
    const green = imagePixels(
      dataset,
      dataset.images.findIndex((im) => im.file === 'b.png'),
    )
    expect(red[0]).toBeGreaterThan(240)
    expect(red[1]).toBeLessThan(20)
    expect([green[0], green[1], green[2]]).toEqual([0, 255, 0])
  })

  it('re-ingests only new and changed files', async () => {
    await writeFile(join(images, 'b.png'), await solid('#000080', 'png'))
    const later = new Date(Date.now() + 5000)
    // Touched but unchanged: found again by its content hash, not decoded.
    await utimes(join(images, 'c.webp'), later, later)
    await writeFile(join(images, 'new.png'), await solid('#fedcba', 'png'))
    const report = await ingestFolder(project, { folder: images, size: S, crop: 'center' })
    // b.png and new.png decoded; bad files are not decoded again either.
    expect(report.processed).toBe(2)
    expect(report.reused).toBe(report.images - 2)
    const dataset = await readDataset(project)
    const b = imagePixels(
      dataset,
      dataset.images.findIndex((im) => im.file === 'b.png'),
    )
    expect([b[0], b[1], b[2]]).toEqual([0, 0, 128])
    expect(dataset.images.some((im) => im.file === 'new.png')).toBe(true)
    expect(report.skipped.find((s) => s.file === 'bomb.png')?.reason).toMatch(/megapixel limit/)
  })

  it('leaves the dataset files alone when nothing changed', async () => {
    const before = await stat(datasetFiles(project).pixels)
    const report = await ingestFolder(project, { folder: images, size: S, crop: 'center' })
    expect(report.processed).toBe(0)
    expect((await stat(datasetFiles(project).pixels)).mtimeMs).toBe(before.mtimeMs)
    expect((await readDataset(project)).count).toBe(report.images)
  })

  it('says clearly when a folder holds no images, or none usable', async () => {
    const empty = join(root, 'empty')
    await mkdir(empty)
    await writeFile(join(empty, 'notes.txt'), 'hello')
    await expect(
      ingestFolder(join(root, 'p2'), { folder: empty, size: S, crop: 'center' }),
    ).rejects.toThrow(/No images in .*empty: it holds 1 other files \(1 .txt\)/)
    const bad = join(root, 'bad')
    await mkdir(bad)
    await writeFile(join(bad, 'x.jpg'), 'not a jpeg')
    await expect(
      ingestFolder(join(root, 'p3'), { folder: bad, size: S, crop: 'center' }),
    ).rejects.toThrow(/No usable images .*x\.jpg: not an image/)
    await expect(
      ingestFolder(join(root, 'p4'), { folder: join(root, 'nowhere'), size: S, crop: 'center' }),
    ).rejects.toThrow(/cannot be opened/)
  })

  it('refuses a project folder inside the image folder', async () => {
    await expect(
      ingestFolder(join(images, 'project'), { folder: images, size: S, crop: 'center' }),
    ).rejects.toThrow(/inside the image folder/)
    await expect(stat(join(images, 'project'))).rejects.toThrow(/ENOENT/)
  })
})

describe('crops and orientation', () => {
  let root: string
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'atelier-crop-'))
  })
  afterAll(async () => {
    await rm(root, { recursive: true, force: true })
  })

  async function ingestOne(
    name: string,
    image: Buffer,
    crop: 'center' | 'celeba' | 'fit',
    size = 16,
  ) {
    const folder = join(root, `${crop}-${name}`)
    await mkdir(folder)
    await writeFile(join(folder, name), image)
    await ingestFolder(join(folder + '-project'), { folder, size, crop })
    return (await readDataset(join(folder + '-project'))).pixels
  }
  const px = (p: Uint8Array, size: number, x: number, y: number) =>
    Array.from(p.subarray((y * size + x) * 3, (y * size + x) * 3 + 3))

  // A CelebA-shaped 178x218 image: a 148x148 green square in the middle of magenta.
  const celebaLike = () =>
    sharp({ create: { width: 178, height: 218, channels: 3, background: '#ff00ff' } })
      .composite([
        {
          input: { create: { width: 148, height: 148, channels: 3, background: '#00ff00' } },
          left: 15,
          top: 35,
        },
      ])
      .png()
      .toBuffer()

  it('celeba takes the centre 148/178 square of the width', async () => {
    const p = await ingestOne('celeb.png', await celebaLike(), 'celeba')
    expect(px(p, 16, 0, 0)).toEqual([0, 255, 0])
    expect(px(p, 16, 15, 15)).toEqual([0, 255, 0])
  })

  it('center takes the largest centre square; fit pads to a square', async () => {
    const centre = await ingestOne('celeb.png', await celebaLike(), 'center')
    expect(px(centre, 16, 0, 8)).toEqual([255, 0, 255]) // the magenta side strip
    expect(px(centre, 16, 8, 8)).toEqual([0, 255, 0])
    const wide = await sharp({
      create: { width: 64, height: 32, channels: 3, background: '#ffffff' },
    })
      .png()
      .toBuffer()
    const fit = await ingestOne('wide.png', wide, 'fit')
    expect(px(fit, 16, 8, 0)).toEqual([0, 0, 0]) // padding above
    expect(px(fit, 16, 8, 8)).toEqual([255, 255, 255])
  })

  it('takes the first frame of an animated GIF', async () => {
    const frame = (c: string) =>
      sharp({ create: { width: 16, height: 16, channels: 3, background: c } })
        .png()
        .toBuffer()
    const gif = await sharp([await frame('#ff0000'), await frame('#0000ff')], {
      join: { animated: true },
    })
      .gif()
      .toBuffer()
    expect((await sharp(gif).metadata()).pages).toBe(2)
    const p = await ingestOne('anim.gif', gif, 'center')
    expect(px(p, 16, 8, 8)).toEqual([255, 0, 0])
  })

  it('applies EXIF orientation before cropping', async () => {
    // Stored as left red | right blue; orientation 6 says "rotate 90 degrees clockwise to show".
    const stored = await sharp({
      create: { width: 40, height: 20, channels: 3, background: '#ff0000' },
    })
      .composite([
        {
          input: { create: { width: 20, height: 20, channels: 3, background: '#0000ff' } },
          left: 20,
          top: 0,
        },
      ])
      .jpeg({ quality: 100 })
      .withMetadata({ orientation: 6 })
      .toBuffer()
    const p = await ingestOne('rotated.jpg', stored, 'center')
    const top = px(p, 16, 8, 2)
    const bottom = px(p, 16, 8, 13)
    expect(top[0]).toBeGreaterThan(200) // red on top
    expect(bottom[2]).toBeGreaterThan(200) // blue below
  })
})

describe('the dataset requests', () => {
  let root: string
  let engine: Engine
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'atelier-dataset-handlers-'))
    engine = new Engine(await selectBackend('cpu'), datasetHandlers as unknown as Handlers)
  })
  afterAll(async () => {
    await rm(root, { recursive: true, force: true })
  })

  it('ingests the demo faces as a job, then answers info and thumbnails', async () => {
    const project = join(root, 'demo')
    const events: string[] = []
    engine.connect((m) => {
      if (m.kind === 'event' && m.name === 'dataset.progress') events.push(m.name)
    })
    const job = await engine.call('dataset.ingest', {
      project,
      size: 32,
      source: { kind: 'demo', count: 12, seed: 3 },
    })
    const done = await engine.ctx.jobs.settled(job)
    expect(done.state).toBe('done')
    expect(done.result?.images).toBe(12)
    expect(events.length).toBeGreaterThan(0)

    const info = await engine.call('dataset.info', { project })
    expect(info?.count).toBe(12)
    expect(info?.labels.find((l) => l.name === 'Smiling')?.kind).toBe('binary')

    const page = await engine.call('dataset.thumbnails', { project, offset: 10, limit: 5 })
    expect(page.indices).toEqual(Int32Array.from([10, 11]))
    expect(page.pixels).toBeInstanceOf(Uint8Array)
    expect(page.pixels.length).toBe(2 * 32 * 32 * 3)
    const dataset = await readDataset(project)
    expect(
      Buffer.from(page.pixels.subarray(0, 32 * 32 * 3)).equals(
        Buffer.from(imagePixels(dataset, 10)),
      ),
    ).toBe(true)

    const smiling = await engine.call('dataset.thumbnails', {
      project,
      limit: 100,
      where: { label: 'Smiling', value: 1 },
    })
    expect(smiling.labels.every((l) => l.Smiling === 1)).toBe(true)
    expect(smiling.matching).toBe(info?.labels.find((l) => l.name === 'Smiling')?.positives)
  })

  it('answers null info for a project with no dataset, and rejects absurd params', async () => {
    expect(await engine.call('dataset.info', { project: join(root, 'none') })).toBeNull()
    await expect(
      engine.call('dataset.ingest', {
        project: join(root, 'x'),
        size: 64,
        source: { kind: 'demo', count: 1e9, seed: 1 },
      }),
    ).rejects.toThrow(/Bad parameters/)
    await expect(
      engine.call('dataset.ingest', {
        project: 'relative/dir',
        size: 64,
        source: { kind: 'demo', count: 5, seed: 1 },
      }),
    ).rejects.toThrow(/absolute/)
  })

  it('cancels an ingest without writing anything', async () => {
    const project = join(root, 'cancelled')
    const job = await engine.call('dataset.ingest', {
      project,
      size: 32,
      source: { kind: 'demo', count: 2000, seed: 1 },
    })
    engine.ctx.jobs.cancel(job.id)
    const done = await engine.ctx.jobs.settled(job)
    expect(done.state).toBe('cancelled')
    expect(await engine.call('dataset.info', { project })).toBeNull()
  })
})
