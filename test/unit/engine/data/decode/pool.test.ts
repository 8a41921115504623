import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { preprocessJpegFast } from '../../../../../src/main/engine/data/decode/fast-jpeg'
import { DecodePool } from '../../../../../src/main/engine/data/decode/pool'
import { packBytes } from '../../../../../src/main/engine/data/decode/worker-protocol'

const CELEBA = join(__dirname, '../../../../../../shared/data/celeba-8k/images')
/** The worker as `npm test` builds it before the unit tests. */
const WORKER = join(__dirname, '../../../../../out/main/decode-worker.js')

describe('packing byte arrays for a batch', () => {
  it('lays them end to end and marks a missing one by a repeated end', () => {
    const { bytes, ends } = packBytes([Uint8Array.of(1, 2), null, Uint8Array.of(3)])
    expect([...bytes]).toEqual([1, 2, 3])
    expect(ends).toEqual([2, 2, 3])
  })
})

describe.skipIf(!existsSync(WORKER))('the decode pool (built worker)', () => {
  it('gives what this thread gives, file by file, for files asked for at once', async () => {
    const pool = DecodePool.create(2, WORKER)
    expect(pool).not.toBeNull()
    const files = readdirSync(CELEBA)
      .sort()
      .slice(0, 24)
      .map((name) => readFileSync(join(CELEBA, name)))
    const copies = files.map((f) => Buffer.from(f))
    const png = await sharp({
      create: { width: 8, height: 8, channels: 3, background: '#102030' },
    })
      .png()
      .toBuffer()
    const answers = await Promise.all([
      ...files.map((f) => pool!.decode(f, 64, 'celeba')),
      pool!.decode(png, 64, 'celeba'),
    ])
    for (const [i, file] of files.entries()) {
      expect(answers[i], `file ${i}`).toEqual(await preprocessJpegFast(file, 64, 'celeba'))
      expect(file.equals(copies[i]), 'the caller keeps its bytes').toBe(true)
    }
    expect(answers.at(-1), 'not a JPEG: left to sharp').toBeNull()
  })
})
