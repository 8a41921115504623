import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { crc32, readTextChunks, withTextChunk } from '../../../../src/main/engine/create/png-text'

describe('PNG text chunks', () => {
  it('computes the standard CRC-32', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926)
  })

  it('stores UTF-8 text after IHDR that decoders accept and we read back', async () => {
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#c33' } })
      .png()
      .toBuffer()
    const text = JSON.stringify({ recipe: 'morph', note: 'visage souriant ☺' })
    const tagged = withTextChunk(png, 'atelier:recipe', text)
    expect(tagged.toString('latin1', 37, 41)).toBe('iTXt')
    expect(readTextChunks(tagged).get('atelier:recipe')).toBe(text)
    // libvips (through sharp) still decodes the file, so the chunk is well formed.
    const { data } = await sharp(tagged).raw().toBuffer({ resolveWithObject: true })
    expect([...data.subarray(0, 3)]).toEqual([204, 51, 51])
  })

  it('notices a damaged chunk', async () => {
    const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#000' } })
      .png()
      .toBuffer()
    const tagged = withTextChunk(png, 'k', 'hello')
    tagged[tagged.indexOf('hello') + 1] ^= 1
    expect(() => readTextChunks(tagged)).toThrow(/damaged/)
  })
})
