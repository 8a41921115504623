import { describe, expect, it } from 'vitest'
import {
  faceLabels,
  rasterizeFace,
  renderSyntheticFaces,
  syntheticFace,
} from '../../../../src/main/engine/data/synthetic'

describe('synthetic faces', () => {
  it('are the same bytes for the same seed, and differ for another seed', async () => {
    const a = await renderSyntheticFaces(6, 32, 11)
    const b = await renderSyntheticFaces(6, 32, 11, { concurrency: 1 })
    const c = await renderSyntheticFaces(6, 32, 12)
    expect(Buffer.from(a.pixels).equals(Buffer.from(b.pixels))).toBe(true)
    expect(a.images).toEqual(b.images)
    expect(Buffer.from(a.pixels).equals(Buffer.from(c.pixels))).toBe(false)
  })

  it('leave Math.random as it was', () => {
    const original = Math.random
    syntheticFace(1, 0)
    expect(Math.random).toBe(original)
  })

  it('label glasses, smiles, hats and facial hair from the face drawn', () => {
    const withGlasses = syntheticFace(5, 0, { glasses: { id: 'glasses2-black' } })
    expect(faceLabels(withGlasses).Eyeglasses).toBe(1)
    expect(faceLabels(syntheticFace(5, 0, { glasses: { id: 'none' } })).Eyeglasses).toBe(0)

    for (const id of ['smile', 'smile2', 'smile3', 'smile4', 'smile-closed']) {
      expect(faceLabels(syntheticFace(5, 1, { mouth: { id } })).Smiling).toBe(1)
    }
    for (const id of ['angry', 'straight', 'closed', 'mouth5']) {
      expect(faceLabels(syntheticFace(5, 1, { mouth: { id } })).Smiling).toBe(0)
    }
    expect(faceLabels(syntheticFace(5, 2, { accessories: { id: 'santa-hat' } })).Hat).toBe(1)
    expect(faceLabels(syntheticFace(5, 2, { accessories: { id: 'headband' } }))).toMatchObject({
      Hat: 0,
      Headband: 1,
    })
    expect(faceLabels(syntheticFace(5, 3, { facialHair: { id: 'goatee1' } })).Facial_Hair).toBe(1)
    expect(faceLabels(syntheticFace(5, 3, { hair: { color: '#e9c67b' } }))).toMatchObject({
      Blond_Hair: 1,
      Dark_Hair: 0,
    })
  })

  it('draw the glasses: a face with glasses differs from the same face without, around the eyes', async () => {
    const plain = syntheticFace(9, 4, { glasses: { id: 'none' } })
    const glasses = syntheticFace(9, 4, { glasses: { id: 'glasses2-black' } })
    const a = await rasterizeFace(plain.face, 32)
    const b = await rasterizeFace(glasses.face, 32)
    let changed = 0
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) changed++
    expect(changed).toBeGreaterThan(30)
  })

  it('crop to the head, so the face fills the frame (most pixels are not the white background)', async () => {
    const filled: number[] = []
    for (let i = 0; i < 12; i++) {
      const rgb = await rasterizeFace(syntheticFace(3, i).face, 32)
      let ink = 0
      for (let p = 0; p < rgb.length; p += 3) if (rgb[p] + rgb[p + 1] + rgb[p + 2] < 3 * 245) ink++
      filled.push(ink / (32 * 32))
    }
    filled.sort((a, b) => a - b)
    // Measured: about 0.8 for this crop, 0.68 for the full-width one it replaced.
    expect(filled[6]).toBeGreaterThan(0.75)
  })

  it('render any size as S x S RGB', async () => {
    const { face } = syntheticFace(1, 7)
    for (const size of [32, 64, 128])
      expect((await rasterizeFace(face, size)).length).toBe(size * size * 3)
  })
})
