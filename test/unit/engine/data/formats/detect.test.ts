import { FileTypeParser } from 'file-type'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { detectFormat } from '../../../../../src/main/engine/data/formats/detect'

describe('judging a JPEG by its first bytes', () => {
  it("calls JPEG what file-type calls JPEG, and leaves JPEG-LS and near misses to file-type's verdict", async () => {
    const jpeg = await sharp({
      create: { width: 8, height: 8, channels: 3, background: '#808080' },
    })
      .jpeg()
      .toBuffer()
    const jpegLs = Buffer.from([0xff, 0xd8, 0xff, 0xf7, 0x00, 0x0b, ...new Array(40).fill(0)])
    const nearMiss = Buffer.from([0xff, 0xd8, 0x00, 0xe0, ...new Array(40).fill(0)])
    for (const header of [jpeg, jpegLs, nearMiss]) {
      const byFileType = await new FileTypeParser().fromBuffer(header)
      const ours = await detectFormat(header)
      expect(ours?.ext ?? null).toBe(byFileType?.ext ?? null)
    }
    expect(await detectFormat(jpeg)).toEqual({
      name: 'JPEG',
      ext: 'jpg',
      image: true,
      reader: 'sharp',
    })
    expect((await detectFormat(jpegLs))?.reader).toBeUndefined()
  })
})
