import { describe, expect, it } from 'vitest'
import { LIMITS, overLimit, requests } from '../../../src/shared/contract'
import { checkDatasetFits } from '../../../src/main/engine/data/store'

const project = '/tmp/p'
const face = { kind: 'code', z: [0, 0] }

function errorOf(name: keyof typeof requests, params: unknown): string | null {
  const parsed = requests[name].params.safeParse(params)
  return parsed.success ? null : parsed.error.issues.map((i) => i.message).join('; ')
}

describe('limits, stated once in the contract and enforced at their edges', () => {
  it('export size: at the limit passes, one over names the limit', () => {
    const exportAt = (size: number) => ({
      project,
      recipe: { kind: 'faces', sources: [face], attributes: [] },
      format: 'png',
      size,
    })
    expect(errorOf('create.export', exportAt(LIMITS.exportSize))).toBeNull()
    expect(errorOf('create.export', exportAt(LIMITS.exportSize + 1))).toMatch(
      /exportSize: at most 2048/,
    )
  })

  it('values of an inline latent code', () => {
    const code = (n: number) => ({
      project,
      recipe: { kind: 'faces', sources: [{ kind: 'code', z: Array(n).fill(0) }], attributes: [] },
      format: 'png',
    })
    expect(errorOf('create.export', code(LIMITS.latentCode))).toBeNull()
    expect(errorOf('create.export', code(LIMITS.latentCode + 1))).toMatch(
      /latentCode: at most 1024/,
    )
  })

  it('latent size of a model', () => {
    expect(errorOf('train.start', { project, latent: LIMITS.latentSize })).toBeNull()
    expect(errorOf('train.start', { project, latent: LIMITS.latentSize + 1 })).toMatch(
      /latentSize: at most 512/,
    )
  })

  it('images in a dataset', () => {
    const demo = (count: number) => ({ project, source: { kind: 'demo', count, seed: 1 } })
    expect(errorOf('dataset.ingest', demo(LIMITS.datasetImages))).toBeNull()
    expect(errorOf('dataset.ingest', demo(LIMITS.datasetImages + 1))).toMatch(
      /datasetImages: at most 250000/,
    )
  })

  it("a dataset's pixel bytes", () => {
    const most = Math.floor(LIMITS.datasetPixelBytes / (128 * 128 * 3))
    expect(() => checkDatasetFits(most, 128)).not.toThrow()
    expect(() => checkDatasetFits(most + 1, 128)).toThrow(/limit datasetPixelBytes/)
  })

  it('request bytes and image pixels are checked by the one overLimit', () => {
    expect(overLimit('requestBytes', LIMITS.requestBytes)).toBeNull()
    expect(overLimit('requestBytes', LIMITS.requestBytes + 1)).toMatch(
      /over the limit requestBytes: at most 268435456 bytes in one request \(got 268435457\)/,
    )
    expect(overLimit('imagePixels', LIMITS.imagePixels + 1)).toMatch(/imagePixels/)
  })
})
