import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { ImageRejected, preprocessImage } from '../../../../../src/main/engine/data/decode'
import { preprocessJpegFast } from '../../../../../src/main/engine/data/decode/fast-jpeg'
import { readJpegHeader } from '../../../../../src/main/engine/data/decode/jpeg-header'
import { preprocess } from '../../../../../src/main/engine/data/decode/preprocess'

const CELEBA = join(__dirname, '../../../../../../shared/data/celeba-8k/images')
const celebaFiles = readdirSync(CELEBA).sort().slice(0, 40)

function difference(a: Uint8Array, b: Uint8Array): { mean: number; max: number } {
  let sum = 0
  let max = 0
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i])
    sum += d
    max = Math.max(max, d)
  }
  return { mean: sum / a.length, max }
}

describe('the fast JPEG path', () => {
  for (const crop of ['celeba', 'center', 'fit'] as const) {
    it(`gives sharp's ${crop} crop of CelebA's JPEGs to within rounding`, async () => {
      let mean = 0
      let max = 0
      for (const name of celebaFiles) {
        const input = readFileSync(join(CELEBA, name))
        const fast = await preprocessJpegFast(input, 64, crop)
        expect(fast, name).not.toBeNull()
        const d = difference(fast!, await preprocessImage(input, 64, crop))
        mean += d.mean / celebaFiles.length
        max = Math.max(max, d.max)
      }
      // Measured: mean 0.22 / 0.23 / 0.76 levels of 255, largest 10 / 7 / 27 (celeba, center, fit).
      expect(mean).toBeLessThan(1)
      expect(max).toBeLessThan(40)
    })
  }
})

describe('what the fast path leaves to sharp', () => {
  const plain = () =>
    sharp({ create: { width: 40, height: 30, channels: 3, background: '#3080c0' } })

  it('reads size, components and orientation from the markers', async () => {
    const upright = readJpegHeader(await plain().jpeg().toBuffer())
    expect(upright).toMatchObject({ width: 40, height: 30, components: 3, orientation: 1 })
    expect(upright?.complete).toBe(true)
    const turned = readJpegHeader(await plain().jpeg().withMetadata({ orientation: 6 }).toBuffer())
    expect(turned?.orientation).toBe(6)
  })

  it('declines turned, colour-managed, CMYK and truncated JPEGs, and sharp still reads or words them', async () => {
    const turned = await plain().jpeg().withMetadata({ orientation: 6 }).toBuffer()
    const profiled = await plain().jpeg().withIccProfile('p3').toBuffer()
    const cmyk = await plain().toColourspace('cmyk').jpeg().toBuffer()
    expect(readJpegHeader(cmyk)?.components).toBe(4)
    expect(readJpegHeader(profiled)?.hasIccProfile).toBe(true)
    for (const input of [turned, profiled, cmyk]) {
      expect(await preprocessJpegFast(input, 16, 'center')).toBeNull()
      expect((await preprocess(input, 16, 'center')).length).toBe(16 * 16 * 3)
    }
    const real = readFileSync(join(CELEBA, celebaFiles[0]))
    const truncated = real.subarray(0, Math.floor(real.length * 0.6))
    expect(readJpegHeader(truncated)?.complete).toBe(false)
    expect(await preprocessJpegFast(truncated, 16, 'center')).toBeNull()
    await expect(preprocess(truncated, 16, 'center')).rejects.toBeInstanceOf(ImageRejected)
  })

  it('turns nothing that is not a JPEG into pixels', async () => {
    const png = await plain().png().toBuffer()
    expect(readJpegHeader(png)).toBeNull()
    expect(await preprocessJpegFast(png, 16, 'center')).toBeNull()
  })
})
