import { spawn } from 'node:child_process'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Recipe } from '@shared/contract'
import { selectBackend } from '../../../../src/main/engine/backend/select'
import { forgetDecoders, projectDecoder } from '../../../../src/main/engine/create/decoder'
import { encodeFile } from '../../../../src/main/engine/create/encode-file'
import {
  listExports,
  readRecipe,
  writeExport,
  type ExportRequest,
} from '../../../../src/main/engine/create/exports'
import { computeAttribute, resolveInputs } from '../../../../src/main/engine/create/inputs'
import { checkManifold } from '../../../../src/main/engine/create/manifold-guard'
import { recipeLatents } from '../../../../src/main/engine/create/recipe'
import { renderDocument, renderRecipe } from '../../../../src/main/engine/create/render'
import { writeDataset } from '../../../../src/main/engine/data/store'
import { writeLatents } from '../../../../src/main/engine/map/latents-store'
import type { ModelConfig } from '../../../../src/main/engine/model/config'
import { LOCK_FILE, releaseWriterLock } from '../../../../src/main/engine/project/lock'
import { publishUntrainedModel } from '../model/support/untrained-model'

const config: ModelConfig = { kind: 'benchmark', size: 32, latent: 4, filters: 2 }
const COUNT = 6
let project: string

/** A tiny project: an untrained model, six images (half "smiling"), and their latents. */
beforeAll(async () => {
  await selectBackend('cpu')
  project = await mkdtemp(join(tmpdir(), 'atelier-create-'))
  await publishUntrainedModel(project, {
    generation: 'g000000001-aaaaaa',
    config,
    seed: 3,
    trainCount: COUNT,
  })
  const images = Array.from({ length: COUNT }, (_, i) => ({
    file: `face-${i}.png`,
    bytes: 1,
    mtimeMs: 0,
    hash: `h${i}`,
    labels: { smiling: i % 2 },
  }))
  await writeDataset(project, {
    size: 32,
    count: COUNT,
    images,
    pixels: new Uint8Array(COUNT * 32 * 32 * 3),
    labelNames: ['smiling'],
    source: { kind: 'synthetic', seed: 1 },
  })
  // Smiling faces sit further along the first latent axis.
  const mu = Float32Array.from({ length: COUNT * 4 }, (_, k) => {
    const i = Math.floor(k / 4)
    return (k % 4 === 0 ? (i % 2) * 2 : 0) + Math.sin(k) * 0.3
  })
  await writeLatents(
    project,
    { mu, logVar: new Float32Array(COUNT * 4), reconError: new Float32Array(COUNT) },
    { count: COUNT, dim: 4, modelHash: 'g000000001-aaaaaa', datasetHash: 'test', seconds: 0 },
  )
})

afterAll(async () => {
  forgetDecoders()
  await rm(project, { recursive: true, force: true })
})

function request(recipe: Recipe, more: Partial<ExportRequest> = {}): ExportRequest {
  return {
    project,
    recipe,
    format: 'png',
    size: 'model',
    overwrite: false,
    failIfExists: false,
    fps: 10,
    pingPong: false,
    ...more,
  }
}

async function pixelsOf(file: string): Promise<Uint8Array> {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true })
  expect(info.channels).toBe(3)
  return new Uint8Array(data)
}

describe('recipes', () => {
  it('computes "+ smiling" from labels and points it along the smiling axis', async () => {
    const decoder = await projectDecoder(project)
    const summary = await computeAttribute(
      project,
      'smiling',
      { kind: 'label', label: 'smiling' },
      decoder.checkpoint,
      false,
    )
    expect(summary.countA).toBe(3)
    expect(summary.countB).toBe(3)
    const inputs = await resolveInputs(
      project,
      {
        kind: 'faces',
        sources: [{ kind: 'image', index: 0 }],
        attributes: [{ name: 'smiling', alpha: 1 }],
      },
      4,
      decoder.checkpoint,
    )
    const [v] = inputs.vectors
    expect(Math.abs(v.v[0])).toBeGreaterThan(Math.abs(v.v[1]) + Math.abs(v.v[2]) + Math.abs(v.v[3]))
    await expect(
      computeAttribute(
        project,
        'smiling',
        { kind: 'label', label: 'smiling' },
        decoder.checkpoint,
        false,
      ),
    ).rejects.toThrow(/already has an attribute called 'smiling'/)
  })

  it('exports a sweep, reads the recipe back from the PNG and re-renders identical pixels', async () => {
    const decoder = await projectDecoder(project)
    const recipe: Recipe = {
      kind: 'sweep',
      sources: [
        { kind: 'image', index: 0 },
        { kind: 'image', index: 3 },
      ],
      attribute: 'smiling',
      alphas: [-2, 0, 2],
    }
    for (const size of ['model', 64] as const) {
      const record = await writeExport(request(recipe, { size, name: `sweep-${size}` }), decoder)
      expect(record.files).toHaveLength(6)
      const file = record.files[4]
      const document = await readRecipe(file)
      expect(document.recipe).toEqual(recipe)
      expect(document.frame).toBe(4)
      expect(document.checkpoint).toBe(decoder.checkpoint)
      expect(document.size).toBe(size === 'model' ? 32 : 64)
      const again = await renderDocument(decoder, document)
      expect(Buffer.from(again.pixels).equals(Buffer.from(await pixelsOf(file)))).toBe(true)
    }
  })

  it('keeps a chosen attribute: the sweep moves orthogonally to it, and re-renders from its recipe', async () => {
    const decoder = await projectDecoder(project)
    await computeAttribute(
      project,
      'first two',
      { kind: 'sets', a: [0, 1] },
      decoder.checkpoint,
      true,
    )
    const recipe: Recipe = {
      kind: 'sweep',
      sources: [{ kind: 'image', index: 2 }],
      attribute: 'smiling',
      alphas: [0, 2],
      keep: ['first two'],
    }
    const inputs = await resolveInputs(project, recipe, 4, decoder.checkpoint)
    expect(inputs.vectors.map((v) => v.name)).toEqual(['smiling', 'first two'])
    const kept = inputs.vectors[1].v
    const { latents } = recipeLatents(recipe, inputs)
    const moved = [0, 1, 2, 3].map((d) => latents[4 + d] - latents[d])
    const along = moved.reduce((s, x, d) => s + x * kept[d], 0)
    expect(Math.abs(along)).toBeLessThan(1e-5)
    const plain = recipeLatents({ ...recipe, keep: undefined }, inputs).latents
    expect(
      Math.abs(plain.slice(4).reduce((s, x, d) => s + (x - plain[d]) * kept[d], 0)),
    ).toBeGreaterThan(1e-3)

    const record = await writeExport(request(recipe, { format: 'sheet', name: 'keep' }), decoder)
    const document = await readRecipe(record.files[0])
    expect(document.recipe).toEqual(recipe)
    const again = await renderDocument(decoder, document)
    expect(Buffer.from(again.pixels).equals(Buffer.from(await pixelsOf(record.files[0])))).toBe(
      true,
    )
  })

  it('guards against edits far from the training faces, naming the nearest training image', async () => {
    const recipe: Recipe = {
      kind: 'sweep',
      sources: [{ kind: 'image', index: 2 }],
      attribute: 'smiling',
      alphas: [0, 20],
    }
    const check = await checkManifold(project, recipe, 2, 99)
    expect(check.threshold).toBeGreaterThan(0)
    expect(check.frames.map((f) => f.far)).toEqual([false, true])
    expect(check.frames[0].nearest).toBe(2)
    expect(check.frames[1].distance).toBeGreaterThan(check.threshold)
  })

  it('re-renders from the recipe alone after the project latents change', async () => {
    const decoder = await projectDecoder(project)
    const recipe: Recipe = {
      kind: 'morph',
      waypoints: [
        { kind: 'image', index: 1 },
        { kind: 'image', index: 2 },
      ],
      frames: 5,
      interpolation: 'slerp',
      easing: 'linear',
    }
    const record = await writeExport(request(recipe, { format: 'sheet', name: 'sheet' }), decoder)
    const document = await readRecipe(record.files[0])
    const stored = document.resolved.images.map((i) => i.z)
    const inputs = await resolveInputs(project, recipe, 4, decoder.checkpoint)
    expect(stored).toEqual(inputs.images.map((i) => i.z))
    const again = await renderDocument(decoder, { ...document, resolved: { ...document.resolved } })
    expect(Buffer.from(again.pixels).equals(Buffer.from(await pixelsOf(record.files[0])))).toBe(
      true,
    )
  })

  it('never overwrites a file unless asked', async () => {
    const decoder = await projectDecoder(project)
    const recipe: Recipe = { kind: 'generate', n: 1, temperature: 1, seed: 7 }
    const first = await writeExport(request(recipe, { name: 'mine' }), decoder)
    const second = await writeExport(request(recipe, { name: 'mine' }), decoder)
    expect(first.files[0]).toMatch(/mine\.png$/)
    expect(second.files[0]).toMatch(/mine-2\.png$/)
    await expect(
      writeExport(request(recipe, { name: 'mine', failIfExists: true }), decoder),
    ).rejects.toThrow(/mine\.png already exists/)
    const replaced = await writeExport(request(recipe, { name: 'mine', overwrite: true }), decoder)
    expect(replaced.files[0]).toBe(first.files[0])
    const written = await readdir(join(project, 'exports'))
    expect(written.filter((f) => f.startsWith('mine'))).toEqual(['mine-2.png', 'mine.png'])
    expect((await listExports(project))[0].id).toBe(replaced.id)
  })

  it('writes animations and latents with their recipe', async () => {
    const decoder = await projectDecoder(project)
    const recipe: Recipe = {
      kind: 'morph',
      waypoints: [
        { kind: 'image', index: 0 },
        { kind: 'image', index: 5 },
      ],
      frames: 4,
      interpolation: 'linear',
      easing: 'ease-in-out',
    }
    for (const format of ['gif', 'webp', 'csv'] as const) {
      const record = await writeExport(
        request(recipe, { format, name: `anim-${format}`, pingPong: true }),
        decoder,
      )
      const document = await readRecipe(record.files[0])
      expect(document.recipe).toEqual(recipe)
      if (format !== 'csv') {
        const meta = await sharp(record.files[0], { animated: true }).metadata()
        expect(meta.format).toBe(format)
      }
    }
  })

  it('renders the same codes every time, leaking no tensors', async () => {
    const decoder = await projectDecoder(project)
    const recipe: Recipe = {
      kind: 'near',
      source: { kind: 'image', index: 2 },
      n: 3,
      spread: 0.5,
      seed: 11,
    }
    const inputs = await resolveInputs(project, recipe, 4, decoder.checkpoint)
    expect(recipeLatents(recipe, inputs).latents).toEqual(recipeLatents(recipe, inputs).latents)
    await renderRecipe(decoder, recipe, inputs)
    const before = tf.memory().numTensors
    const a = await renderRecipe(decoder, recipe, inputs)
    const b = await renderRecipe(decoder, recipe, inputs)
    expect(tf.memory().numTensors).toBe(before)
    expect(Buffer.from(a.rgb).equals(Buffer.from(b.rgb))).toBe(true)
  })

  it('encodes an image file from outside the dataset into a code to morph with', async () => {
    const file = join(project, 'outside.png')
    await sharp({ create: { width: 50, height: 40, channels: 3, background: '#8a6' } })
      .png()
      .toFile(file)
    await encodeFile(project, file)
    const before = tf.memory().numTensors
    const { z, label } = await encodeFile(project, file)
    expect(tf.memory().numTensors).toBe(before)
    expect(z).toHaveLength(4)
    expect(label).toBe('outside.png')
    const decoder = await projectDecoder(project)
    const recipe: Recipe = {
      kind: 'morph',
      waypoints: [
        { kind: 'code', z },
        { kind: 'image', index: 1 },
      ],
      frames: 3,
      interpolation: 'slerp',
      easing: 'linear',
    }
    const inputs = await resolveInputs(project, recipe, 4, decoder.checkpoint)
    expect(Array.from(recipeLatents(recipe, inputs).latents.subarray(0, 4))).toEqual(
      Array.from(Float32Array.from(z)),
    )
    await expect(encodeFile(project, join(project, 'missing.png'))).rejects.toThrow(/Cannot read/)
  })

  it('exports to another folder while another process writes the project, leaving it unlisted', async () => {
    const decoder = await projectDecoder(project)
    const outside = await mkdtemp(join(tmpdir(), 'atelier-export-out-'))
    const holder = spawn('sleep', ['60'])
    await releaseWriterLock(project) // this process's own, from the exports above
    const lock = { pid: holder.pid, host: hostname(), startedAt: new Date().toISOString() }
    await writeFile(
      join(project, LOCK_FILE),
      JSON.stringify({ ...lock, app: 'atelier train', project }),
    )
    try {
      const listed = (await listExports(project)).length
      const recipe: Recipe = { kind: 'generate', n: 1, temperature: 1, seed: 9 }
      const record = await writeExport(request(recipe, { folder: outside, name: 'out' }), decoder)
      expect(record.unlisted).toBe(true)
      expect(await readdir(outside)).toEqual(['out.png'])
      expect(await listExports(project)).toHaveLength(listed)
    } finally {
      holder.kill()
      await rm(join(project, LOCK_FILE), { force: true })
      await rm(outside, { recursive: true, force: true })
    }
  })
})
