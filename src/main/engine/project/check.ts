/**
 * `project.check`: verifies every file of a project against the manifest that vouches for it
 * (lengths, hashes, shapes, the model generation latents and maps were made from) and says each
 * problem in words, with what the repair does about it.
 */
import { lstat } from 'node:fs/promises'
import { join } from 'node:path'
import type { ExportRecord, ProjectCheck, ProjectPart, ProjectProblem } from '@shared/contract'
import { EngineError } from '@shared/protocol'
import { datasetFiles, imageBytes, readDatasetIndex, type DatasetIndex } from '../data/store'
import { readLatentsInfo, type LatentsInfo } from '../map/latents-store'
import { listProjectionKeys, mapDir, readProjectionInfo } from '../map/projection-store'
import { readModelManifest, type ModelManifest } from '../model/io'
import { CHECKPOINT_FORMAT, type TrainState } from '../train/checkpoint'
import {
  generations,
  layersModelFault,
  optimizerFault,
  readJson,
  sha1OfFile,
  sizeOf,
  tempFiles,
} from './files-check'
import { projectLayout } from './layout'
import { lockHolder, writingNow } from './lock'
import { readManifest, type ProjectManifest } from './manifest'

/** What the check learnt on its way, for the repair to act on. */
export interface CheckFindings {
  problems: ProjectProblem[]
  manifest: ProjectManifest | null
  index: DatasetIndex | null
  /** The dataset's pixels match their index. */
  pixelsWhole: boolean
  model: ModelManifest | null
  /** The model manifest's generation has whole encoder and decoder files. */
  modelWhole: boolean
  checkpoint: TrainState | null
  latents: LatentsInfo | null
}

type Add = (
  part: ProjectPart,
  severity: ProjectProblem['severity'],
  file: string,
  message: string,
  remedy: string,
  repairable?: boolean,
) => void

/**
 * Checks a project folder; throws only when the folder holds no project at all. While a process
 * `writing` it, files not made yet (the demo's pixels) and temp files are expected, not problems.
 */
export async function checkProject(dir: string, writing = false): Promise<CheckFindings> {
  const layout = projectLayout(dir)
  if ((await sizeOf(layout.manifest)) === null && !(await exists(layout.dataset))) {
    throw new EngineError(
      'not_found',
      `${dir} holds no Latent Atelier project (no atelier.json and no dataset/); choose the project folder itself.`,
    )
  }
  const problems: ProjectProblem[] = []
  const add: Add = (part, severity, file, message, remedy, repairable = true) =>
    problems.push({ part, severity, file, message, remedy, repairable })
  const manifest = await checkManifest(dir, add)
  const { index, pixelsWhole } = await checkDataset(dir, manifest, writing, add)
  const { model, modelWhole } = await checkModel(dir, add)
  const checkpoint = await checkCheckpoint(dir, model, index, add)
  if (!writing) await checkGenerations(dir, model, checkpoint, add)
  if (
    manifest &&
    model &&
    isRecord(manifest.model) &&
    manifest.model.generation !== model.generation
  ) {
    add(
      'manifest',
      'stale',
      layout.manifest,
      `atelier.json names the model generation ${String(manifest.model.generation)}, but model/manifest.json names ${model.generation}.`,
      "The repair writes the published model's summary into atelier.json.",
    )
  }
  const latents = await checkLatents(dir, model, modelWhole, index, add)
  await checkMaps(dir, latents, add)
  if (manifest) await checkExports(manifest, add)
  for (const file of writing ? [] : await tempFiles(dir)) {
    add(
      'leftover',
      'leftover',
      file,
      'A temp file left by a write that was interrupted (the file it was to replace is intact).',
      'The repair removes it.',
    )
  }
  return { problems, manifest, index, pixelsWhole, model, modelWhole, checkpoint, latents }
}

/** The check as the contract states it. */
export async function projectCheck(dir: string, repaired: string[] = []): Promise<ProjectCheck> {
  const heldBy = await lockHolder(dir)
  const findings = await checkProject(dir, heldBy !== null || writingNow(dir))
  return {
    project: dir,
    consistent: !findings.problems.some((p) => p.severity === 'damaged'),
    problems: findings.problems,
    heldBy,
    repaired,
    checkedAt: new Date().toISOString(),
  }
}

async function checkManifest(dir: string, add: Add): Promise<ProjectManifest | null> {
  const path = projectLayout(dir).manifest
  if ((await sizeOf(path)) === null) {
    add(
      'manifest',
      'damaged',
      path,
      'atelier.json is missing: the folder has a dataset but no manifest.',
      'The repair writes a new atelier.json from the dataset index.',
    )
    return null
  }
  try {
    return await readManifest(dir)
  } catch (error) {
    add(
      'manifest',
      'damaged',
      path,
      (error as Error).message,
      'The repair keeps the damaged file beside it (atelier.damaged-<time>.json, with any favourites and export records for you to copy back) and writes a new atelier.json from the dataset index.',
    )
    return null
  }
}

async function checkDataset(
  dir: string,
  manifest: ProjectManifest | null,
  writing: boolean,
  add: Add,
): Promise<{ index: DatasetIndex | null; pixelsWhole: boolean }> {
  const files = datasetFiles(dir)
  const reingest =
    'Ingest the source folder again (atelier ingest <folder> --project DIR): the dataset is not derived from the project.'
  let index: DatasetIndex
  try {
    index = await readDatasetIndex(dir)
  } catch (error) {
    if (error instanceof EngineError && error.code === 'not_found')
      return { index: null, pixelsWhole: false }
    add('dataset', 'damaged', files.index, (error as Error).message, reingest, false)
    return { index: null, pixelsWhole: false }
  }
  const expected = index.count * imageBytes(index.size)
  const size = await sizeOf(files.pixels)
  let pixelsWhole = false
  if (size === null) {
    if (writing) return { index, pixelsWhole }
    if (index.source.kind === 'synthetic') {
      add(
        'dataset',
        'stale',
        files.pixels,
        `The ${index.count} synthetic faces' pixels are not made yet (the demo ships without them).`,
        'They are made again from their seed when the project opens.',
        false,
      )
      return { index, pixelsWhole }
    }
    add(
      'dataset',
      'damaged',
      files.pixels,
      `pixels.u8 is missing; its index lists ${index.count} images.`,
      reingest,
      false,
    )
  } else if (size !== expected || size !== index.pixelBytes) {
    add(
      'dataset',
      'damaged',
      files.pixels,
      `pixels.u8 has ${size} bytes; ${index.count} images of ${index.size}x${index.size} need ${expected} (the index says ${index.pixelBytes}).`,
      reingest,
      false,
    )
  } else if ((await sha1OfFile(files.pixels)) !== index.pixelHash) {
    add(
      'dataset',
      'damaged',
      files.pixels,
      'pixels.u8 does not match the hash its index records.',
      reingest,
      false,
    )
  } else pixelsWhole = true
  const summary = manifest?.dataset
  if (manifest && (!isRecord(summary) || summary.pixelHash !== index.pixelHash)) {
    add(
      'manifest',
      'stale',
      projectLayout(dir).manifest,
      "atelier.json's dataset summary does not describe dataset/index.json (a write between the two was interrupted).",
      'The repair rewrites the summary from the index.',
    )
  }
  return { index, pixelsWhole }
}

async function checkModel(
  dir: string,
  add: Add,
): Promise<{ model: ModelManifest | null; modelWhole: boolean }> {
  const path = join(projectLayout(dir).model, 'manifest.json')
  let model: ModelManifest | null
  try {
    model = await readModelManifest(dir)
  } catch (error) {
    add(
      'model',
      'damaged',
      path,
      (error as Error).message,
      'The repair rolls back to the newest whole checkpoint.',
    )
    return { model: null, modelWhole: false }
  }
  if (!model) return { model: null, modelWhole: false }
  const genDir = join(projectLayout(dir).model, model.generation)
  for (const part of ['encoder', 'decoder']) {
    const fault = await layersModelFault(join(genDir, part))
    if (fault) {
      add(
        'model',
        'damaged',
        join(genDir, part),
        `The ${part} of model generation ${model.generation}: ${fault}.`,
        'The repair rolls back to the newest whole checkpoint.',
      )
      return { model, modelWhole: false }
    }
  }
  return { model, modelWhole: true }
}

async function checkCheckpoint(
  dir: string,
  model: ModelManifest | null,
  index: DatasetIndex | null,
  add: Add,
): Promise<TrainState | null> {
  const { checkpoints } = projectLayout(dir)
  const latest = join(checkpoints, 'latest.json')
  if ((await sizeOf(latest)) === null) return null
  const rollBack = 'The repair rolls back to the newest whole checkpoint.'
  let generation: string
  try {
    generation = (await readJson<{ generation: string }>(latest)).generation
    if (typeof generation !== 'string') throw new Error('no "generation"')
  } catch (error) {
    add(
      'checkpoint',
      'damaged',
      latest,
      `latest.json does not read (${(error as Error).message}).`,
      rollBack,
    )
    return null
  }
  const genDir = join(checkpoints, generation)
  let state: TrainState
  try {
    state = await readJson<TrainState>(join(genDir, 'state.json'))
    if (state.format > CHECKPOINT_FORMAT)
      throw new Error(`format ${state.format} is newer than this app`)
  } catch (error) {
    add(
      'checkpoint',
      'damaged',
      join(genDir, 'state.json'),
      `The checkpoint ${generation} does not read (${(error as Error).message}).`,
      rollBack,
    )
    return null
  }
  const fault = await optimizerFault(genDir)
  if (fault) {
    add(
      'checkpoint',
      'damaged',
      genDir,
      `The optimiser state of checkpoint ${generation}: ${fault}.`,
      rollBack,
    )
    return null
  }
  if (model && model.generation !== generation) {
    add(
      'checkpoint',
      'stale',
      latest,
      `The last checkpoint (${generation}, step ${state.step}) is not the published model (${model.generation}, step ${model.steps}): a save was interrupted between the two.`,
      'The repair points both at the newest generation whose files are whole.',
    )
  }
  if (index && state.datasetHash !== index.pixelHash) {
    add(
      'checkpoint',
      'stale',
      join(genDir, 'state.json'),
      'The checkpoint was trained on another version of the dataset; training cannot resume it.',
      'Train afresh (restart) to go on with this dataset.',
      false,
    )
  }
  return state
}

/** Generation folders that no pointer names: a save was killed before it removed the older ones. */
async function checkGenerations(
  dir: string,
  model: ModelManifest | null,
  checkpoint: TrainState | null,
  add: Add,
): Promise<void> {
  const named = [model?.generation, checkpoint?.generation].filter(Boolean)
  const layout = projectLayout(dir)
  for (const parent of [layout.model, layout.checkpoints]) {
    for (const name of await generations(parent)) {
      if (named.includes(name)) continue
      add(
        'leftover',
        'leftover',
        join(parent, name),
        `Generation ${name} is no longer the model or the last checkpoint (a save was interrupted before it removed it).`,
        'The repair keeps it if it is the newest whole generation, else removes it.',
      )
    }
  }
}

async function checkLatents(
  dir: string,
  model: ModelManifest | null,
  modelWhole: boolean,
  index: DatasetIndex | null,
  add: Add,
): Promise<LatentsInfo | null> {
  const layout = projectLayout(dir)
  const reencode = 'The repair encodes the dataset again with the model.'
  let info: LatentsInfo | null
  try {
    info = await readLatentsInfo(dir)
  } catch (error) {
    add('latents', 'damaged', layout.latentsShape, (error as Error).message, reencode)
    return null
  }
  if (!info) return null
  const expected = 4 * info.blocks.reduce((sum, b) => sum + b.length, 0)
  const size = await sizeOf(layout.latents)
  const shapeOk =
    info.blocks.length === 3 &&
    info.blocks[0].length === info.count * info.dim &&
    info.blocks[1].length === info.count * info.dim &&
    info.blocks[2].length === info.count
  if (!shapeOk) {
    add(
      'latents',
      'damaged',
      layout.latentsShape,
      `latents.json's blocks do not fit ${info.count} x ${info.dim}.`,
      reencode,
    )
    return null
  }
  if (size !== expected) {
    add(
      'latents',
      'damaged',
      layout.latents,
      size === null
        ? 'latents.f32 is missing.'
        : `latents.f32 has ${size} bytes; latents.json needs ${expected}.`,
      reencode,
    )
    return null
  }
  if ((await sha1OfFile(layout.latents)) !== info.fileHash) {
    add(
      'latents',
      'damaged',
      layout.latents,
      'latents.f32 does not match the hash latents.json records.',
      reencode,
    )
    return null
  }
  if (model && info.modelHash !== model.generation) {
    add(
      'latents',
      'stale',
      layout.latents,
      `The latents were made by model generation ${info.modelHash}; the model is now ${model.generation}.`,
      reencode,
    )
  } else if (model && modelWhole && info.dim !== model.config.latent) {
    add(
      'latents',
      'damaged',
      layout.latentsShape,
      `The latents have ${info.dim} dimensions; the model's latent size is ${model.config.latent}.`,
      reencode,
    )
  }
  if (index && info.datasetHash !== index.pixelHash) {
    add(
      'latents',
      'stale',
      layout.latents,
      'The latents were made from another version of the dataset.',
      reencode,
    )
  } else if (index && info.count !== index.count) {
    add(
      'latents',
      'damaged',
      layout.latentsShape,
      `The latents hold ${info.count} images; the dataset holds ${index.count}.`,
      reencode,
    )
  }
  return info
}

async function checkMaps(dir: string, latents: LatentsInfo | null, add: Add): Promise<void> {
  for (const key of await listProjectionKeys(dir)) {
    const json = join(mapDir(dir), `${key}.json`)
    const f32 = join(mapDir(dir), `${key}.f32`)
    const info = await readProjectionInfo(dir, key)
    const remake = 'The repair removes this cached map; it is computed again when next shown.'
    if (!info || typeof info.count !== 'number') {
      add('map', 'damaged', json, `The cached map ${key} does not read.`, remake)
      continue
    }
    const size = await sizeOf(f32)
    if (size !== info.count * 12) {
      add(
        'map',
        'damaged',
        f32,
        size === null
          ? `${key}.f32 is missing.`
          : `${key}.f32 has ${size} bytes; ${info.count} points need ${info.count * 12}.`,
        remake,
      )
    } else if (latents && info.latentsHash !== latents.fileHash) {
      add(
        'map',
        'stale',
        json,
        `The cached map ${key} was made from other latents.`,
        'The repair computes it again from the current latents.',
      )
    }
  }
}

async function checkExports(manifest: ProjectManifest, add: Add): Promise<void> {
  const records = Array.isArray(manifest.exports) ? (manifest.exports as ExportRecord[]) : []
  for (const record of records) {
    for (const file of Array.isArray(record.files) ? record.files : []) {
      if (await exists(file)) continue
      add(
        'exports',
        'missing',
        file,
        `The export ${record.id} (${record.format}) recorded this file, which is no longer there.`,
        'Nothing to repair: the record and its recipe are kept, so it can be made again.',
        false,
      )
    }
  }
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  )
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}
