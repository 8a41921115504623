import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import sharp from 'sharp'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src/main/engine/backend/select'
import {
  detectFaces,
  detectorLooks,
  firstFound,
  type DetectorLook,
} from '../../../../src/main/engine/data/faces/detector'

const DATA = resolve(__dirname, '../../../../../shared/data')
/** A UTKFace chip whose face fills the frame: the detector at 320 misses it, at 160 finds it. */
const TIGHT = resolve(DATA, 'utkface-2k/images/17_0_0_20170110231820806.jpg.chip.jpg')
const CELEBA = resolve(DATA, 'celeba-8k/images/000021.jpg')

async function rgb(path: string) {
  const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true })
  return { data: new Uint8Array(data), width: info.width, height: info.height }
}

describe('detectorLooks', () => {
  it('looks at a small photo at 160 first, at a larger one at 320, and last at both mirrored', () => {
    expect(detectorLooks(200, 200).map((l) => l.inputSize)).toEqual([160, 320, 320])
    expect(detectorLooks(640, 480).map((l) => l.inputSize)).toEqual([320, 160, 320])
    for (const looks of [detectorLooks(200, 200), detectorLooks(640, 480)]) {
      expect(looks.map((l) => l.pad)).toEqual([0, 0, 0.5])
    }
  })
})

describe('firstFound', () => {
  const looks: DetectorLook[] = [
    { inputSize: 320, pad: 0 },
    { inputSize: 160, pad: 0 },
    { inputSize: 320, pad: 0.25 },
  ]

  it('stops at the first look that finds a face', async () => {
    const tried: DetectorLook[] = []
    const seen = await firstFound(looks, async (look) => {
      tried.push(look)
      return look.inputSize === 160 ? ['face'] : []
    })
    expect(seen).toEqual({ found: ['face'], look: looks[1] })
    expect(tried).toEqual(looks.slice(0, 2))
  })

  it('tries every look, then says none found', async () => {
    let calls = 0
    const seen = await firstFound(looks, async () => {
      calls++
      return []
    })
    expect(seen).toBeUndefined()
    expect(calls).toBe(3)
  })
})

describe.skipIf(!existsSync(TIGHT) || !existsSync(CELEBA))('detectFaces looks again', () => {
  beforeAll(async () => {
    await selectBackend('wasm')
  })

  it('finds a face that fills the photo at the smaller input side', async () => {
    const chip = await rgb(TIGHT)
    expect(
      await detectFaces(chip.data, chip.width, chip.height, 1, [{ inputSize: 320, pad: 0 }]),
    ).toEqual([])
    const [face] = await detectFaces(chip.data, chip.width, chip.height)
    expect(face.score).toBeGreaterThan(0.5)
    // The eyes of a UTK chip sit level in its upper middle.
    const { leftEye, rightEye } = face.landmarks
    expect(leftEye.x).toBeLessThan(rightEye.x)
    expect(Math.abs(leftEye.y - rightEye.y)).toBeLessThan(10)
    expect((leftEye.y + rightEye.y) / 2).toBeGreaterThan(40)
    expect((leftEye.y + rightEye.y) / 2).toBeLessThan(130)
  }, 60_000)

  it("gives a mirrored look its faces in the photo's own pixels", async () => {
    const photo = await rgb(CELEBA)
    const [plain] = await detectFaces(photo.data, photo.width, photo.height, 1, [
      { inputSize: 320, pad: 0 },
    ])
    const [mirrored] = await detectFaces(photo.data, photo.width, photo.height, 1, [
      { inputSize: 320, pad: 0.25 },
    ])
    for (const eye of ['leftEye', 'rightEye'] as const) {
      expect(Math.abs(mirrored.landmarks[eye].x - plain.landmarks[eye].x)).toBeLessThan(3)
      expect(Math.abs(mirrored.landmarks[eye].y - plain.landmarks[eye].y)).toBeLessThan(3)
    }
  }, 60_000)
})
