/**
 * What recipes read from a project: every image's mu (`latents.f32`), the
 * dataset's labels, and the attribute vectors saved in `atelier.json`
 * (manifest key `attributes`).
 */
import type {
  AttributeDefinition,
  AttributeSummary,
  LatentDensity,
  Recipe,
  ResolvedInputs,
} from '@shared/contract'
import { EngineError } from '@shared/protocol'
import { mergedLabelValue } from '../data/labels/estimated'
import { datasetFiles, readDatasetIndex, type DatasetImage, type DatasetIndex } from '../data/store'
import { readLatents, readLatentsInfo } from '../map/latents-store'
import { ensureLatents } from '../map/map-service'
import { projectModel } from '../map/model-source'
import { modelManifestPath, readModelManifest } from '../model/io'
import { fileStamp, filesStamp, StampedCache } from '../project/file-stamp'
import { projectLayout } from '../project/layout'
import { readManifest, updateManifest } from '../project/manifest'
import { valueName } from '@shared/categories'
import { categoricalLabels } from '../data/labels/categorical'
import { attributeVector } from './attribute'
import { fitGaussianMixture } from './density'
import { imagesOf, vectorsOf } from './recipe'

/** Every image's mu, n x dim. */
export interface ProjectLatents {
  mu: Float32Array
  count: number
  dim: number
  /** Hash of latents.f32: vectors computed from other latents are recomputed. */
  fileHash: string
}

const latentsCache = new StampedCache<ProjectLatents>()

/**
 * The project's latents, read once per encode. Latents from an older model are encoded again
 * first: a face's mu from one model means nothing to another model's decoder. While neither
 * the latents' json nor the model's manifest changed (a slider asks per frame), nothing is read.
 */
export function projectLatents(projectDir: string): Promise<ProjectLatents> {
  const stamp = filesStamp(projectLayout(projectDir).latentsShape, modelManifestPath(projectDir))
  return latentsCache.get(projectDir, stamp, async (previous) => {
    let info = await readLatentsInfo(projectDir)
    const model = await readModelManifest(projectDir)
    if (model && info?.modelHash !== model.generation) {
      info = (await ensureLatents(projectDir, projectModel)).info
    }
    if (previous && info && previous.fileHash === info.fileHash) return previous
    const { mu, info: read } = await readLatents(projectDir)
    return { mu, count: read.count, dim: read.dim, fileHash: read.fileHash }
  })
}

const indexCache = new StampedCache<DatasetIndex>()

/** The dataset index, parsed once per change of `dataset/index.json` (scrubbing reads it per frame). */
export function datasetIndex(projectDir: string): Promise<DatasetIndex> {
  const stamp = fileStamp(datasetFiles(projectDir).index)
  return indexCache.get(projectDir, stamp, () => readDatasetIndex(projectDir))
}

/** An attribute vector as `atelier.json` keeps it. */
export interface StoredAttribute {
  definition: AttributeDefinition
  description: string
  v: number[]
  spread: number
  norm: number
  countA: number
  countB: number
  latentsHash: string
  checkpoint: string
  createdAt: string
}

type AttributeTable = Record<string, StoredAttribute>

const attributesCache = new StampedCache<AttributeTable>()

/** The attribute vectors in `atelier.json`, parsed once per change of the file (a vector's slider asks per frame). */
function storedAttributes(projectDir: string): Promise<AttributeTable> {
  const stamp = fileStamp(projectLayout(projectDir).manifest)
  return attributesCache.get(projectDir, stamp, async () => {
    const stored = (await readManifest(projectDir)).attributes
    return stored && typeof stored === 'object' ? (stored as AttributeTable) : {}
  })
}

/**
 * Splits the dataset into A and not-A for a definition. `categories` is the
 * label's categorical setting, when it has one: such a label needs a value.
 */
export function definitionSets(
  definition: AttributeDefinition,
  images: DatasetImage[],
  categories?: { names: Record<string, string> },
): { a: number[]; b: number[] | undefined; description: string } {
  if (definition.kind === 'sets') {
    const inA = new Set(definition.a)
    const overlap = definition.b?.filter((i) => inA.has(i)) ?? []
    if (overlap.length > 0) {
      throw new EngineError(
        'bad_request',
        `${overlap.length} images are in both sets (e.g. image ${overlap[0]}); an image can be on one side only.`,
      )
    }
    return {
      a: [...inA],
      b: definition.b,
      description: definition.b
        ? `${definition.a.length} chosen images vs ${definition.b.length} others`
        : `${definition.a.length} chosen images vs the rest`,
    }
  }
  const { label, value } = definition
  const a: number[] = []
  const b: number[] = []
  let seen = false
  images.forEach((image, i) => {
    const x = mergedLabelValue(image, label)
    if (x === null) return
    seen = true
    if (value === undefined && (typeof x === 'string' || categories)) {
      throw new EngineError(
        'bad_request',
        `The label '${label}' has values like '${x}'; say which value is the attribute (e.g. value: '${x}').`,
      )
    }
    // Binary labels: 1 (or any positive number) is A; 0 and CelebA's -1 are not-A.
    const positive = value === undefined ? (x as number) > 0 : x === value
    ;(positive ? a : b).push(i)
  })
  if (!seen) {
    throw new EngineError('not_found', `No image of this dataset has the label '${label}'.`)
  }
  return {
    a,
    b,
    description: `${label} = ${value === undefined ? 'yes' : valueName(value, categories?.names)}`,
  }
}

/** Computes an attribute vector from the project's latents and saves it under `name`. */
export async function computeAttribute(
  projectDir: string,
  name: string,
  definition: AttributeDefinition,
  checkpoint: string,
  overwrite: boolean,
): Promise<AttributeSummary> {
  if (!overwrite && (await storedAttributes(projectDir))[name]) {
    throw new EngineError(
      'conflict',
      `The project already has an attribute called '${name}'; pick another name or replace it (overwrite).`,
    )
  }
  const stored = await buildAttribute(projectDir, definition, checkpoint)
  await updateManifest(projectDir, (manifest) => {
    const table = (manifest.attributes ?? {}) as AttributeTable
    table[name] = stored
    manifest.attributes = table
  })
  return summary(name, stored)
}

async function buildAttribute(
  projectDir: string,
  definition: AttributeDefinition,
  checkpoint: string,
): Promise<StoredAttribute> {
  const latents = await projectLatents(projectDir)
  const index = await datasetIndex(projectDir)
  if (index.count !== latents.count) {
    throw new EngineError(
      'conflict',
      `The dataset has ${index.count} images but the latents cover ${latents.count}; encode the dataset again (atelier encode --project ${projectDir}).`,
    )
  }
  const categories =
    definition.kind === 'label'
      ? (await categoricalLabels(projectDir))[definition.label]
      : undefined
  const sets = definitionSets(definition, index.images, categories)
  let result
  try {
    result = attributeVector(latents.mu, latents.dim, sets.a, sets.b)
  } catch (error) {
    throw new EngineError(
      'bad_request',
      `Cannot make the vector (${sets.description}): ${(error as Error).message}.`,
    )
  }
  return {
    definition,
    description: sets.description,
    v: Array.from(result.v),
    spread: result.spread,
    norm: result.norm,
    countA: result.countA,
    countB: result.countB,
    latentsHash: latents.fileHash,
    checkpoint,
    createdAt: new Date().toISOString(),
  }
}

export function summary(name: string, s: StoredAttribute): AttributeSummary {
  return {
    name,
    description: s.description,
    countA: s.countA,
    countB: s.countB,
    norm: s.norm,
    spread: s.spread,
    separation: s.spread > 0 ? s.norm / s.spread : 0,
    createdAt: s.createdAt,
    checkpoint: s.checkpoint,
  }
}

export async function listAttributes(projectDir: string): Promise<AttributeSummary[]> {
  const table = await storedAttributes(projectDir)
  return Object.entries(table)
    .map(([name, s]) => summary(name, s))
    .sort((x, y) => x.name.localeCompare(y.name))
}

export async function deleteAttribute(projectDir: string, name: string): Promise<boolean> {
  let deleted = false
  await updateManifest(projectDir, (manifest) => {
    const table = (manifest.attributes ?? {}) as AttributeTable
    deleted = name in table
    delete table[name]
    manifest.attributes = table
  })
  return deleted
}

/**
 * An attribute by name, recomputed (and saved again) when the latents changed
 * since it was made: a vector from another model points nowhere useful.
 */
async function currentAttribute(
  projectDir: string,
  name: string,
  checkpoint: string,
): Promise<StoredAttribute> {
  const table = await storedAttributes(projectDir)
  const stored = table[name]
  if (!stored) {
    const known = Object.keys(table)
    throw new EngineError(
      'not_found',
      `The project has no attribute called '${name}'${known.length ? ` (it has: ${known.join(', ')})` : ''}; compute it first (atelier attribute --project ${projectDir} --name ${name} --from-labels).`,
    )
  }
  const latents = await projectLatents(projectDir)
  if (stored.latentsHash === latents.fileHash) return stored
  const fresh = await buildAttribute(projectDir, stored.definition, checkpoint)
  await updateManifest(projectDir, (manifest) => {
    ;(manifest.attributes as AttributeTable)[name] = fresh
  })
  return fresh
}

/** Fixes a recipe's inputs to numbers: the mu of each image it names, each vector it uses. */
export async function resolveInputs(
  projectDir: string,
  recipe: Recipe,
  latentDim: number,
  checkpoint: string,
): Promise<ResolvedInputs> {
  const indices = imagesOf(recipe)
  const names = vectorsOf(recipe)
  const resolved: ResolvedInputs = { latentDim, images: [], vectors: [] }
  const fitted = recipe.kind === 'generate' && recipe.density === 'fitted'
  if (indices.length > 0 || names.length > 0 || fitted) {
    const latents = await projectLatents(projectDir)
    if (latents.dim !== latentDim) {
      throw new EngineError(
        'conflict',
        `The latents have ${latents.dim} dimensions but the model has ${latentDim}: they come from another model. Encode the dataset again (atelier encode --project ${projectDir}).`,
      )
    }
    if (indices.length > 0) {
      const index = await datasetIndex(projectDir)
      for (const i of indices) {
        if (i >= latents.count) {
          throw new EngineError(
            'bad_request',
            `Image ${i} is not in this project (it has ${latents.count} images, numbered 0..${latents.count - 1}).`,
          )
        }
        const image = index.images[i]
        resolved.images.push({
          index: i,
          file: image?.file ?? '',
          hash: image?.hash ?? '',
          z: Array.from(latents.mu.subarray(i * latentDim, (i + 1) * latentDim)),
        })
      }
    }
    for (const name of names) {
      const stored = await currentAttribute(projectDir, name, checkpoint)
      resolved.vectors.push({
        name,
        v: stored.v,
        spread: stored.spread,
        description: stored.description,
      })
    }
    if (fitted) resolved.density = await trainingDensity(projectDir, latents)
  }
  return resolved
}

const densityCache = new Map<string, { fileHash: string; density: LatentDensity }>()

/**
 * The mixture fitted to the codes of the images the model trained on (the held-out ones stay
 * out, as in evaluation), once per encode.
 */
async function trainingDensity(
  projectDir: string,
  latents: ProjectLatents,
): Promise<LatentDensity> {
  const cached = densityCache.get(projectDir)
  if (cached?.fileHash === latents.fileHash) return cached.density
  const model = await readModelManifest(projectDir)
  const count = Math.min(latents.count, model?.trainCount || latents.count)
  const density = fitGaussianMixture(latents.mu.subarray(0, count * latents.dim), latents.dim)
  densityCache.set(projectDir, { fileHash: latents.fileHash, density })
  return density
}
