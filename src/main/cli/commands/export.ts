import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { extname, resolve } from 'node:path'
import {
  EXPORT_FORMATS,
  recipe as recipeSchema,
  type ExportFormat,
  type LatentSource,
  type Recipe,
} from '@shared/contract'
import { z } from 'zod'
import sharp from 'sharp'
import { projectDecoder } from '../../engine/create/decoder'
import { encodeFile } from '../../engine/create/encode-file'
import { datasetIndex } from '../../engine/create/inputs'
import { renderDocument } from '../../engine/create/render'
import type { EngineClient } from '@shared/client'
import { ensureLatents } from '../../engine/map/map-service'
import { projectModel } from '../../engine/map/model-source'
import { command, numberFlag, UsageError, type Invocation, type Options } from '../command'
import { runJob } from '../follow'
import { projectFlag } from './encode'

/** Flags every create command shares: where and how its files are written. */
export const outputOptions: Options = {
  project: { type: 'string' },
  out: { type: 'string' },
  format: { type: 'string' },
  size: { type: 'string' },
  name: { type: 'string' },
  fps: { type: 'string' },
  'ping-pong': { type: 'boolean' },
  overwrite: { type: 'boolean' },
  backend: { type: 'string' },
}

/** What `--json` prints for a create command: what it wrote. */
export interface WrittenResult {
  project: string
  format: ExportFormat
  files: string[]
  recipe: Recipe
  size: number
  checkpoint: string
  /** The project's lock was held elsewhere: the files are not listed among its exports. */
  unlisted?: true
  /** Extra facts (an attribute's counts, a re-render's check). */
  notes?: Record<string, unknown>
}

export function formatFlag(values: Invocation['values'], fallback: ExportFormat): ExportFormat {
  const raw = values.format ?? fallback
  if (!EXPORT_FORMATS.includes(raw as ExportFormat)) {
    throw new UsageError(`--format ${String(raw)} is not one of ${EXPORT_FORMATS.join(', ')}.`)
  }
  return raw as ExportFormat
}

function sizeFlag(values: Invocation['values']): 'model' | number {
  if (values.size === undefined || values.size === 'model') return 'model'
  return numberFlag(values, 'size', 0, { min: 16, max: 2048, integer: true })
}

/** Encodes the dataset first when the latents are missing or stale (the CLI has no map to do it). */
export async function readyProject(
  inv: Invocation,
): Promise<{ project: string; engine: EngineClient }> {
  const project = projectFlag(inv.values)
  const engine = await inv.engine()
  const { encoded } = await ensureLatents(project, projectModel, {
    progress: (_f, message) => message && inv.note(message),
    checkpoint: async () => {},
  })
  if (encoded) inv.note('encoded the dataset (latents were missing or stale)')
  return { project, engine }
}

/**
 * An image named on the command line: its index in the dataset, its file
 * name (as ingested, or just the base name when that is unique), or the path
 * of an image file elsewhere, which is encoded.
 */
export async function imageFlag(project: string, raw: string, flag: string): Promise<LatentSource> {
  if (/^\d+$/.test(raw)) return { kind: 'image', index: Number(raw) }
  // An image file outside the dataset is encoded with the project's model.
  if (/\.(png|jpe?g|webp|gif|tiff?|avif)$/i.test(raw) && existsSync(raw)) {
    const { z, label } = await encodeFile(project, resolve(raw))
    return { kind: 'code', z, label }
  }
  const index = await datasetIndex(project)
  const exact = index.images.findIndex((image) => image.file === raw)
  if (exact >= 0) return { kind: 'image', index: exact }
  const base = raw.split(/[\\/]/).pop()
  const matches = index.images.flatMap((image, i) =>
    image.file.split('/').pop() === base ? [i] : [],
  )
  if (matches.length === 1) return { kind: 'image', index: matches[0] }
  throw new UsageError(
    matches.length > 1
      ? `--${flag} ${raw}: ${matches.length} images have that name; give the path as ingested or the index.`
      : `--${flag} ${raw}: no image of the project has that index or file name.`,
  )
}

/** Runs the export job in-process and waits for it; returns what it wrote. */
export async function runExport(
  inv: Invocation,
  engine: EngineClient,
  project: string,
  recipe: Recipe,
  fallback: ExportFormat,
  notes?: Record<string, unknown>,
): Promise<WrittenResult> {
  const out = inv.values.out
  const record = await runJob(
    engine,
    'create.export',
    {
      project,
      recipe,
      format: formatFlag(inv.values, fallback),
      size: sizeFlag(inv.values),
      ...(typeof out === 'string' ? { folder: resolve(out) } : {}),
      ...(typeof inv.values.name === 'string' ? { name: inv.values.name } : {}),
      overwrite: inv.values.overwrite === true,
      fps: numberFlag(inv.values, 'fps', 12, { min: 0.5, max: 60 }),
      pingPong: inv.values['ping-pong'] === true,
    },
    inv.note,
  )
  return {
    project,
    format: record.format,
    files: record.files,
    recipe: record.recipe,
    size: record.size,
    checkpoint: record.checkpoint,
    ...(record.unlisted ? { unlisted: true as const } : {}),
    ...(notes ? { notes } : {}),
  }
}

export function formatWritten(result: WrittenResult): string {
  const lines = [
    `Wrote ${result.files.length} file${result.files.length === 1 ? '' : 's'} (${result.format}, ${result.size}px, model ${result.checkpoint}):`,
    ...result.files.map((f) => `  ${f}`),
    ...(result.unlisted
      ? [`Another process writes ${result.project}, so its list of exports leaves these out.`]
      : []),
  ]
  for (const [key, value] of Object.entries(result.notes ?? {})) {
    lines.push(`${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
  }
  return lines.join('\n')
}

export const exportCommand = command({
  name: 'export',
  summary: 'Export a recipe (JSON) or re-render an exported file from the recipe it carries',
  usage:
    'atelier export --project DIR (--recipe FILE.json | --from EXPORTED.png|.gif|.webp|.csv) [--format png|sheet|gif|webp|csv] [--size model|256|512] [--out DIR] [--name NAME] [--fps F] [--ping-pong] [--overwrite] [--any-model] [--json]',
  options: {
    ...outputOptions,
    recipe: { type: 'string' },
    from: { type: 'string' },
    'any-model': { type: 'boolean' },
  },
  run: async (inv): Promise<WrittenResult> => {
    const { recipe: recipeFile, from } = inv.values
    if ((typeof recipeFile === 'string') === (typeof from === 'string')) {
      throw new UsageError('give one of --recipe FILE.json or --from EXPORTED-FILE.')
    }
    const { project, engine } = await readyProject(inv)
    if (typeof recipeFile === 'string') {
      let parsed: unknown
      try {
        parsed = JSON.parse(await readFile(resolve(recipeFile), 'utf8'))
      } catch (error) {
        throw new UsageError(`--recipe ${recipeFile}: ${(error as Error).message}`)
      }
      const checked = recipeSchema.safeParse((parsed as { recipe?: unknown }).recipe ?? parsed)
      if (!checked.success) {
        throw new UsageError(
          `--recipe ${recipeFile} is not a recipe: ${z.prettifyError(checked.error)}`,
        )
      }
      return runExport(inv, engine, project, checked.data, formatFlag(inv.values, 'png'))
    }
    const file = resolve(String(from))
    const document = await engine.request('create.recipe.read', { file })
    const check = await engine.request('create.recipe.render', {
      project,
      file,
      anyModel: inv.values['any-model'] === true,
    })
    // A PNG re-rendered here must match the file byte for byte (same model, same recipe).
    let identical: boolean | null = null
    if (document.format === 'png' || document.format === 'sheet') {
      const decoder = await projectDecoder(project)
      const again = await renderDocument(decoder, { ...document, recipe: check.document.recipe })
      const { data } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true })
      identical = Buffer.from(again.pixels).equals(data)
    }
    const fallback = extname(file).slice(1) === 'csv' ? 'csv' : document.format
    if (inv.values.size === undefined) inv.values.size = String(document.size)
    return runExport(inv, engine, project, document.recipe, formatFlag(inv.values, fallback), {
      rerenderedFrom: file,
      sameModel: check.checkpoint === document.checkpoint,
      identicalPixels: identical,
    })
  },
  format: formatWritten,
})
