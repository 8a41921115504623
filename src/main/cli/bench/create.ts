import { cpus, loadavg } from 'node:os'
import { DEFAULT_ALPHA } from '@shared/contract'
import {
  applyVectors,
  attributeVector,
  keepOrthogonal,
  type AttributeVector,
} from '../../engine/create/attribute'
import {
  classify,
  downsample,
  trainClassifier,
  type Classifier,
} from '../../engine/create/classifier'
import { projectDecoder } from '../../engine/create/decoder'
import { projectLatents } from '../../engine/create/inputs'
import { mergeDatasetLabels } from '../../engine/data/labels/estimated'
import { readDataset } from '../../engine/data/store'
import { readModelManifest } from '../../engine/model/io'
import { command, numberFlag, UsageError } from '../command'
import { readyProject } from '../commands/export'

const SMALL = 16

interface AttributeRow {
  attribute: string
  /** Attributes the vector was made orthogonal to (`--keep`); empty for the plain vector. */
  keep: string[]
  /** Classifier (trained on real and reconstructed training faces): balanced accuracy on held-out real faces, and on their reconstructions. */
  classifierAccuracy: number
  classifierAccuracyDecoded: number
  /** Vector from training images: counts with / without. */
  countA: number
  countB: number
  separation: number
  /** Held-out faces without the attribute. */
  faces: number
  /** Fraction the classifier calls positive: the real image, its reconstruction, then after + alpha * v for each alpha. */
  positiveReal: number
  positiveReconstruction: number
  positiveAfter: { alpha: number; fraction: number }[]
  /** Share of the faces on which no other attribute's prediction flipped at the default alpha. */
  keptAll: number
  /** Other attributes at the default alpha: share of faces whose predicted label flipped, and mean |change in P|. */
  others: { attribute: string; flipped: number; meanAbsChange: number }[]
}

interface BenchAttributeResult {
  project: string
  images: number
  trainCount: number
  heldOut: number
  defaultAlpha: number
  alphas: number[]
  rows: AttributeRow[]
  seconds: number
  cpus: number
  loadAverage: number[]
}

function labelOf(value: number | string | null | undefined): 0 | 1 | null {
  if (value === null || value === undefined || typeof value === 'string') return null
  return value > 0 ? 1 : 0
}

function balancedAccuracy(p: Float32Array, y: number[]): number {
  let tp = 0
  let pos = 0
  let tn = 0
  let neg = 0
  p.forEach((q, i) => {
    if (y[i]) {
      pos++
      if (q > 0.5) tp++
    } else {
      neg++
      if (q <= 0.5) tn++
    }
  })
  return 0.5 * (pos ? tp / pos : 0) + 0.5 * (neg ? tn / neg : 0)
}

const fractionPositive = (p: Float32Array) =>
  p.reduce((s, q) => s + (q > 0.5 ? 1 : 0), 0) / (p.length || 1)

export const benchAttribute = command({
  name: 'bench attribute',
  summary:
    'What attribute vectors do to held-out faces, judged by pixel classifiers (logistic regression on 16x16 pixels)',
  usage:
    "atelier bench attribute --project DIR --attributes Smiling,Eyeglasses,... [--keep Male,Young,...] [--alphas 1,2,3] [--train-max 4000] [--backend NAME] [--json]\n  with --keep, each vector is measured twice: as it is, and made orthogonal to the kept labels' vectors",
  options: {
    project: { type: 'string' },
    attributes: { type: 'string' },
    keep: { type: 'string' },
    alphas: { type: 'string' },
    'train-max': { type: 'string' },
    backend: { type: 'string' },
  },
  run: async (inv): Promise<BenchAttributeResult> => {
    const started = performance.now()
    inv.values.backend ??= 'wasm'
    if (typeof inv.values.attributes !== 'string') {
      throw new UsageError('--attributes A,B,C is required (dataset label names).')
    }
    const names = inv.values.attributes.split(',').filter(Boolean)
    const keep = String(inv.values.keep ?? '')
      .split(',')
      .filter(Boolean)
    // Every attribute is judged on every face, the kept ones included.
    const judged = [...new Set([...names, ...keep])]
    const alphas = String(inv.values.alphas ?? `1,${DEFAULT_ALPHA},3`)
      .split(',')
      .map(Number)
    if (alphas.some((a) => !Number.isFinite(a)))
      throw new UsageError('--alphas: numbers, comma-separated.')
    const trainMax = numberFlag(inv.values, 'train-max', 4000, {
      min: 10,
      max: 250_000,
      integer: true,
    })
    const { project } = await readyProject(inv)
    const dataset = await readDataset(project)
    const merged = mergeDatasetLabels(dataset)
    const latents = await projectLatents(project)
    const manifest = await readModelManifest(project)
    const trainCount = manifest?.trainCount ?? dataset.count
    const decoder = await projectDecoder(project)
    const dim = latents.dim
    for (const name of judged) {
      if (!merged.labelNames.includes(name)) {
        throw new UsageError(
          `The dataset has no label '${name}' (it has: ${merged.labelNames.join(', ')}).`,
        )
      }
    }
    const d = SMALL * SMALL * 3
    const small = (indices: number[]): Float32Array => {
      const out = new Float32Array(indices.length * d)
      const bytes = dataset.size * dataset.size * 3
      const one = new Uint8Array(bytes)
      indices.forEach((i, k) => {
        one.set(dataset.pixels.subarray(i * bytes, (i + 1) * bytes))
        out.set(downsample(one, 1, dataset.size, SMALL, 1 / 255), k * d)
      })
      return out
    }
    const decodeSmall = async (codes: Float32Array, n: number): Promise<Float32Array> =>
      downsample(await decoder.decode(codes, n), n, decoder.size, SMALL)

    // One pixel classifier per attribute, trained on labelled training images: their real
    // pixels and their reconstructions (decoded faces are blurrier than real ones, and a
    // classifier that never saw blur calls every decoded face the same).
    const classifiers = new Map<string, Classifier>()
    const accuracy = new Map<string, number>()
    const accuracyDecoded = new Map<string, number>()
    const held = Array.from({ length: dataset.count - trainCount }, (_, k) => trainCount + k)
    const codesOf = (indices: number[]) => {
      const codes = new Float32Array(indices.length * dim)
      indices.forEach((i, k) => codes.set(latents.mu.subarray(i * dim, (i + 1) * dim), k * dim))
      return codes
    }
    const pool = Array.from({ length: trainCount }, (_, i) => i).slice(0, trainMax)
    inv.note(
      `decoding ${pool.length} training faces and ${held.length} held-out faces for the classifiers`,
    )
    const poolReal = small(pool)
    const poolDecoded = await decodeSmall(codesOf(pool), pool.length)
    const heldReal = small(held)
    const heldDecoded = await decodeSmall(codesOf(held), held.length)
    const rowsOf = (x: Float32Array, keep: number[]) => {
      const out = new Float32Array(keep.length * d)
      keep.forEach((k, r) => out.set(x.subarray(k * d, (k + 1) * d), r * d))
      return out
    }
    for (const name of judged) {
      const known = pool.flatMap((i, k) =>
        labelOf(merged.images[i].labels[name]) === null ? [] : [k],
      )
      const y = known.map((k) => labelOf(merged.images[pool[k]].labels[name]) as number)
      inv.note(
        `${name}: training the pixel classifier on ${known.length} faces (real and reconstructed)`,
      )
      const x = new Float32Array(2 * known.length * d)
      x.set(rowsOf(poolReal, known), 0)
      x.set(rowsOf(poolDecoded, known), known.length * d)
      const model = trainClassifier(x, [...y, ...y], d)
      classifiers.set(name, model)
      const heldKnown = held.flatMap((i, k) =>
        labelOf(merged.images[i].labels[name]) === null ? [] : [k],
      )
      const heldY = heldKnown.map((k) => labelOf(merged.images[held[k]].labels[name]) as number)
      accuracy.set(
        name,
        balancedAccuracy(classify(model, rowsOf(heldReal, heldKnown), heldKnown.length), heldY),
      )
      accuracyDecoded.set(
        name,
        balancedAccuracy(classify(model, rowsOf(heldDecoded, heldKnown), heldKnown.length), heldY),
      )
    }

    /** What moving `faces` (codes, reconstructions) by alpha * spread along unit(v) does, per classifier. */
    const measure = async (
      name: string,
      keepNow: string[],
      vector: AttributeVector,
      faces: number[],
      codes: Float32Array,
      recon: Float32Array,
    ): Promise<AttributeRow> => {
      const after = new Map<number, Float32Array>()
      for (const alpha of alphas) {
        const moved = applyVectors(Float32Array.from(codes), dim, [{ ...vector, alpha }])
        after.set(alpha, await decodeSmall(moved, faces.length))
      }
      const model = classifiers.get(name) as Classifier
      const atDefault = after.get(DEFAULT_ALPHA) ?? (after.get(alphas[0]) as Float32Array)
      const changed = new Uint8Array(faces.length)
      const others = judged
        .filter((other) => other !== name)
        .map((other) => {
          const c = classifiers.get(other) as Classifier
          const p0 = classify(c, recon, faces.length)
          const p1 = classify(c, atDefault, faces.length)
          let flipped = 0
          let change = 0
          p0.forEach((q, k) => {
            if (q > 0.5 !== p1[k] > 0.5) {
              flipped++
              changed[k] = 1
            }
            change += Math.abs(p1[k] - q)
          })
          return {
            attribute: other,
            flipped: flipped / faces.length,
            meanAbsChange: change / faces.length,
          }
        })
      return {
        attribute: name,
        keep: keepNow,
        classifierAccuracy: accuracy.get(name) as number,
        classifierAccuracyDecoded: accuracyDecoded.get(name) as number,
        countA: vector.countA,
        countB: vector.countB,
        separation: vector.norm / vector.spread,
        faces: faces.length,
        positiveReal: fractionPositive(classify(model, small(faces), faces.length)),
        positiveReconstruction: fractionPositive(classify(model, recon, faces.length)),
        positiveAfter: alphas.map((alpha) => ({
          alpha,
          fraction: fractionPositive(
            classify(model, after.get(alpha) as Float32Array, faces.length),
          ),
        })),
        keptAll: 1 - changed.reduce((n, c) => n + c, 0) / (faces.length || 1),
        others,
      }
    }
    const train = Array.from({ length: trainCount }, (_, i) => i)
    const vectorOf = (name: string) =>
      attributeVector(
        latents.mu,
        dim,
        train.filter((i) => labelOf(merged.images[i].labels[name]) === 1),
        train.filter((i) => labelOf(merged.images[i].labels[name]) === 0),
      )
    const rows: AttributeRow[] = []
    for (const name of names) {
      const vector = vectorOf(name)
      const kept = keep.filter((k) => k !== name)
      const faces = held.filter((i) => labelOf(merged.images[i].labels[name]) === 0)
      inv.note(`${name}: ${faces.length} held-out faces without it; decoding before and after`)
      const codes = codesOf(faces)
      const recon = await decodeSmall(codes, faces.length)
      const variants = kept.length > 0 ? [[], kept] : [[]]
      for (const keepNow of variants) {
        const direction =
          keepNow.length > 0
            ? keepOrthogonal(
                vector.v,
                keepNow.map((k) => vectorOf(k).v),
              )
            : vector.v
        rows.push(await measure(name, keepNow, { ...vector, v: direction }, faces, codes, recon))
      }
    }
    return {
      project,
      images: dataset.count,
      trainCount,
      heldOut: held.length,
      defaultAlpha: DEFAULT_ALPHA,
      alphas,
      rows,
      seconds: (performance.now() - started) / 1000,
      cpus: cpus().length,
      loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
    }
  },
  format: (r) => {
    const pct = (x: number) => `${(x * 100).toFixed(0)}%`
    const lines = [
      `${r.project}: ${r.images} images, classifiers and vectors from the first ${r.trainCount}, measured on ${r.heldOut} held-out faces; alpha in spreads (default ${r.defaultAlpha}).`,
      `Load average ${r.loadAverage.join(' ')} on ${r.cpus} cores; ${r.seconds.toFixed(0)} s.`,
    ]
    for (const row of r.rows) {
      lines.push(
        '',
        `${row.attribute}${row.keep.length > 0 ? `, keep ${row.keep.join(', ')}` : ''}: vector from ${row.countA} with / ${row.countB} without (A and not-A ${row.separation.toFixed(2)} spreads apart); pixel classifier balanced accuracy ${pct(row.classifierAccuracy)} on held-out real faces, ${pct(row.classifierAccuracyDecoded)} on their reconstructions`,
        `  ${row.faces} held-out faces without it, called positive: real ${pct(row.positiveReal)}, reconstruction ${pct(row.positiveReconstruction)}, ` +
          row.positiveAfter.map((p) => `+${p.alpha}v ${pct(p.fraction)}`).join(', '),
        `  other attributes at alpha ${r.defaultAlpha}: ${pct(row.keptAll)} of faces keep all of them; flipped / mean |dP|: ` +
          row.others
            .map((o) => `${o.attribute} ${pct(o.flipped)} / ${o.meanAbsChange.toFixed(2)}`)
            .join(', '),
      )
    }
    return lines.join('\n')
  },
})
