/**
 * `project.check` with `repair`: rolls a project back to its newest consistent generation and
 * rebuilds what is derived from it (latents, maps); thumbnails are drawn from the dataset's pixels
 * on request, so they come back with them. Exports and favourites are never deleted: a manifest
 * that does not read is kept beside the new one.
 */
import { rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { ProjectCheck } from '@shared/contract'
import { EngineError } from '@shared/protocol'
import type { DatasetIndex } from '../data/store'
import { ensureLatents, ensureProjection } from '../map/map-service'
import { projectModel } from '../map/model-source'
import { projectionKeyOf, readProjectionInfo, removeProjection } from '../map/projection-store'
import { MODEL_FORMAT, publishModel, type ModelManifest } from '../model/io'
import type { TrainState } from '../train/checkpoint'
import { writeJsonAtomic } from './atomic'
import { checkProject, projectCheck, type CheckFindings } from './check'
import { generations, layersModelFault, optimizerFault, readJson } from './files-check'
import { projectLayout } from './layout'
import { heldMessage, lockHolder } from './lock'
import { PROJECT_FORMAT, updateManifest } from './manifest'

/** Repairs what the check found, then checks again; refused while another process writes the project. */
export async function repairProject(dir: string): Promise<ProjectCheck> {
  const holder = await lockHolder(dir)
  if (holder) throw new EngineError('conflict', heldMessage(dir, holder))
  const found = await checkProject(dir)
  const done: string[] = []
  if (found.problems.some((p) => p.part === 'manifest' && p.severity === 'damaged')) {
    done.push(await rebuildManifest(dir, found.index))
  }
  const generation = await rollBack(dir, found, done)
  await removeLeftovers(found, generation, done)
  await mendManifestSummaries(dir, found, generation, done)
  await rebuildDerived(dir, found, generation, done)
  return projectCheck(dir, done)
}

/** Keeps an unreadable atelier.json beside a fresh one written from the dataset index. */
async function rebuildManifest(dir: string, index: DatasetIndex | null): Promise<string> {
  const path = projectLayout(dir).manifest
  const aside = join(dir, `atelier.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}.json`)
  const moved = await rename(path, aside).then(
    () => true,
    () => false,
  )
  await writeJsonAtomic(path, {
    format: PROJECT_FORMAT,
    createdAt: new Date().toISOString(),
    ...(index ? { dataset: datasetSummary(index) } : {}),
  })
  return moved
    ? `Wrote a new atelier.json; the damaged one is kept as ${aside} (copy favourites and exports back from it).`
    : 'Wrote a new atelier.json from the dataset index.'
}

function datasetSummary(index: DatasetIndex) {
  return {
    source: index.source,
    size: index.size,
    count: index.count,
    labelNames: index.labelNames,
    pixelHash: index.pixelHash,
  }
}

/** A generation whose model and checkpoint files are both whole, with its state. */
async function wholeGeneration(dir: string, name: string): Promise<TrainState | null> {
  const layout = projectLayout(dir)
  const model = join(layout.model, name)
  const checkpoint = join(layout.checkpoints, name)
  if ((await layersModelFault(join(model, 'encoder'))) !== null) return null
  if ((await layersModelFault(join(model, 'decoder'))) !== null) return null
  if ((await optimizerFault(checkpoint)) !== null) return null
  try {
    const state = await readJson<TrainState>(join(checkpoint, 'state.json'))
    return state.generation === name ? state : null
  } catch {
    return null
  }
}

/**
 * Points the model and the last checkpoint at the newest generation that is whole in both, when
 * they are damaged or disagree. Returns the generation the project is on (null: no model).
 */
async function rollBack(dir: string, found: CheckFindings, done: string[]): Promise<string | null> {
  const consistent =
    found.modelWhole &&
    found.model &&
    (!found.checkpoint || found.checkpoint.generation === found.model.generation) &&
    !found.problems.some((p) => p.part === 'checkpoint' && p.severity === 'damaged')
  if (consistent) return found.model?.generation ?? null
  const layout = projectLayout(dir)
  for (const name of await generations(layout.checkpoints)) {
    const state = await wholeGeneration(dir, name)
    if (!state) continue
    if (found.model?.generation !== name || !found.modelWhole) {
      await publishModel(dir, modelManifestOf(state))
    }
    await writeJsonAtomic(join(layout.checkpoints, 'latest.json'), { generation: name })
    done.push(
      `Rolled the model and the last checkpoint back to generation ${name} (step ${state.step}).`,
    )
    return name
  }
  if (found.model && found.modelWhole) return found.model.generation
  if (found.model || found.checkpoint || found.problems.some((p) => p.part === 'model')) {
    done.push(
      'No whole generation of the model is left: train the model again (atelier train --project DIR).',
    )
  }
  return null
}

/** The published model's manifest, as `writeCheckpoint` writes it, from a checkpoint's state. */
function modelManifestOf(state: TrainState): ModelManifest {
  const last = state.history.at(-1)
  return {
    format: MODEL_FORMAT,
    generation: state.generation,
    config: state.settings.config,
    loss: state.settings.loss,
    beta: state.settings.beta,
    epochsDone: state.epoch,
    steps: state.step,
    datasetHash: state.datasetHash,
    trainCount: state.settings.trainCount,
    holdout: state.settings.holdout,
    backend: state.backend,
    seed: state.settings.seed,
    savedAt: state.savedAt,
    lastLosses: last ? { loss: last.loss, reconstruction: last.reconstruction, kl: last.kl } : null,
  }
}

async function removeLeftovers(
  found: CheckFindings,
  generation: string | null,
  done: string[],
): Promise<void> {
  for (const problem of found.problems) {
    if (problem.severity !== 'leftover' || problem.file.endsWith(`/${generation}`)) continue
    await rm(problem.file, { recursive: true, force: true })
    done.push(`Removed ${problem.file}.`)
  }
}

/** atelier.json's copies of the dataset's and the model's summaries, rewritten when they disagree. */
async function mendManifestSummaries(
  dir: string,
  found: CheckFindings,
  generation: string | null,
  done: string[],
): Promise<void> {
  const stale = found.problems.some((p) => p.part === 'manifest' && p.severity === 'stale')
  if (!stale && generation === (found.model?.generation ?? null)) return
  const model = generation
    ? await readJson<ModelManifest>(join(projectLayout(dir).model, 'manifest.json'))
    : null
  await updateManifest(dir, (manifest) => {
    if (found.index) manifest.dataset = datasetSummary(found.index)
    if (model) {
      const previous = typeof manifest.model === 'object' && manifest.model ? manifest.model : {}
      manifest.model = {
        ...previous,
        config: model.config,
        loss: model.loss,
        beta: model.beta,
        epochsDone: model.epochsDone,
        steps: model.steps,
        generation: model.generation,
        savedAt: model.savedAt,
      }
    }
  })
  done.push("Rewrote atelier.json's dataset and model summaries.")
}

/** Encodes again when the latents are damaged or stale (or the model rolled back), and remakes the cached maps. */
async function rebuildDerived(
  dir: string,
  found: CheckFindings,
  generation: string | null,
  done: string[],
): Promise<void> {
  const latentsBad = found.problems.some((p) => p.part === 'latents')
  const rolledBack = generation !== (found.model?.generation ?? null)
  const canEncode = found.pixelsWhole && generation !== null
  if (latentsBad || (rolledBack && found.latents)) {
    const { latents, latentsShape } = projectLayout(dir)
    await rm(latents, { force: true })
    await rm(latentsShape, { force: true })
    if (canEncode) {
      await ensureLatents(dir, projectModel)
      done.push('Encoded the dataset again (latents.f32).')
    } else {
      done.push(
        'Removed the latents: they are made again once the project has a whole dataset and model.',
      )
    }
  }
  for (const problem of found.problems) {
    if (problem.part !== 'map') continue
    const key = projectionKeyOf(problem.file)
    const info = problem.severity === 'stale' ? await readProjectionInfo(dir, key) : null
    if (info && canEncode) {
      await ensureProjection(dir, info.spec, projectModel, undefined, { force: true })
      done.push(`Computed the map ${key} again.`)
    } else {
      await removeProjection(dir, key)
      done.push(`Removed the cached map ${key}; it is computed again when next shown.`)
    }
  }
}
