import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src/main/engine/backend/select'
import { Engine } from '../../../../src/main/engine/engine'
import { datasetHandlers } from '../../../../src/main/engine/handlers/dataset'
import type { Handlers } from '../../../../src/main/engine/handlers/types'

const CELEBA = resolve(__dirname, '../../../../../shared/data/celeba-8k/images')
const FACES = ['000021.jpg', '000022.jpg', '000023.jpg', '000024.jpg']

describe('dataset.faces.probe', () => {
  let dir: string
  let engine: Engine
  beforeAll(async () => {
    engine = new Engine(await selectBackend('wasm'), datasetHandlers as unknown as Handlers)
    dir = await mkdtemp(join(tmpdir(), 'atelier-probe-'))
    await mkdir(join(dir, 'colours'))
    const colours = ['#7a9a5a', '#d04030', '#3050c0', '#f0e0a0', '#202020', '#a0a0a0']
    for (const [i, background] of colours.entries()) {
      await sharp({ create: { width: 160, height: 120, channels: 3, background } })
        .png()
        .toFile(join(dir, 'colours', `plain-${i}.png`))
    }
  }, 60_000)
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('finds no face in plain colour images, and tries only the first five', async () => {
    const probe = await engine.call('dataset.faces.probe', { folder: join(dir, 'colours') })
    expect(probe).toMatchObject({ tried: 5, withFace: 0 })
    expect(probe.files.map((f) => f.file)).toEqual([0, 1, 2, 3, 4].map((i) => `plain-${i}.png`))
  }, 60_000)

  it.skipIf(!existsSync(CELEBA))(
    'finds the faces in a folder of CelebA photos and a plain image among them',
    async () => {
      const folder = join(dir, 'faces')
      await mkdir(folder)
      for (const file of FACES) await sharp(join(CELEBA, file)).toFile(join(folder, file))
      await sharp(join(dir, 'colours', 'plain-0.png')).toFile(join(folder, 'zz-plain.png'))
      const probe = await engine.call('dataset.faces.probe', { folder, sample: 5 })
      expect(probe.tried).toBe(5)
      expect(probe.withFace).toBe(FACES.length)
      expect(probe.files.find((f) => f.file === 'zz-plain.png')?.face).toBe(false)
    },
    60_000,
  )

  it('names a folder that cannot be opened, and refuses a relative path', async () => {
    await expect(
      engine.call('dataset.faces.probe', { folder: join(dir, 'missing') }),
    ).rejects.toThrow(/missing cannot be opened/)
    await expect(engine.call('dataset.faces.probe', { folder: 'photos' })).rejects.toThrow()
  })
})
