import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import {
  DEFAULT_ALPHA,
  MAX_ALPHA,
  MAX_KEPT,
  type AttributeDefinition,
  type AttributeSummary,
  type Recipe,
} from '@shared/contract'
import type { EngineClient } from '@shared/client'
import { command, UsageError } from '../command'
import {
  formatWritten,
  imageFlag,
  outputOptions,
  readyProject,
  runExport,
  type WrittenResult,
} from './export'

/** Image indices from a list file: one index or file name per line (# comments allowed). */
async function listFile(project: string, file: string, flag: string): Promise<number[]> {
  let text: string
  try {
    text = await readFile(resolve(file), 'utf8')
  } catch (error) {
    throw new UsageError(`--${flag} ${file}: ${(error as Error).message}`)
  }
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean)
  if (lines.length === 0) throw new UsageError(`--${flag} ${file} lists no images.`)
  const indices: number[] = []
  for (const line of lines) {
    const source = await imageFlag(project, line, flag)
    if (source.kind === 'image') indices.push(source.index)
  }
  return indices
}

/** The names in `--keep`, each computed from the label of that name when the project has no such vector yet. */
async function keptVectors(
  flag: unknown,
  project: string,
  engine: EngineClient,
): Promise<string[]> {
  if (flag === undefined) return []
  const names = [
    ...new Set(
      String(flag)
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean),
    ),
  ]
  if (names.length === 0 || names.length > MAX_KEPT) {
    throw new UsageError(`--keep: 1 to ${MAX_KEPT} attribute names, comma-separated.`)
  }
  const saved = new Set(
    (await engine.request('create.attributes.list', { project })).map((a) => a.name),
  )
  for (const name of names.filter((n) => !saved.has(n))) {
    await engine.request('create.attributes.compute', {
      project,
      name,
      from: { kind: 'label', label: name },
      overwrite: false,
    })
  }
  return names
}

export const attribute = command({
  name: 'attribute',
  summary: 'Compute an attribute vector (from labels or a list of images) and apply it to images',
  usage:
    'atelier attribute --project DIR --name NAME [--from-labels [--label LABEL] [--value V] | --from-list FILE [--against FILE]] [--apply IMG[,IMG...] --alpha=a,b,c [--keep NAME,NAME...]] [--format png|sheet|gif|webp|csv] [--size model|256|512] --out DIR [--overwrite] [--json]\n  without --from-*, the vector saved in the project under NAME is used; alpha is in spreads (the typical spread of faces along the vector); write --alpha=-2,0,2 (with =) when the first value is negative; --keep leaves those attributes unchanged (a kept name the project has no vector for is computed from the label of that name)',
  options: {
    ...outputOptions,
    'from-labels': { type: 'boolean' },
    label: { type: 'string' },
    value: { type: 'string' },
    'from-list': { type: 'string' },
    against: { type: 'string' },
    apply: { type: 'string' },
    alpha: { type: 'string' },
    keep: { type: 'string' },
  },
  run: async (inv): Promise<WrittenResult & { attribute: AttributeSummary | null }> => {
    const name = inv.values.name
    if (typeof name !== 'string' || name === '') throw new UsageError('--name NAME is required.')
    const alphas = String(inv.values.alpha ?? `${-DEFAULT_ALPHA},0,${DEFAULT_ALPHA}`)
      .split(',')
      .map((a) => {
        const x = Number(a)
        if (a.trim() === '' || !Number.isFinite(x) || Math.abs(x) > MAX_ALPHA) {
          throw new UsageError(`--alpha: ${a} is not a number from ${-MAX_ALPHA} to ${MAX_ALPHA}.`)
        }
        return x
      })
    const { project, engine } = await readyProject(inv)
    let definition: AttributeDefinition | null = null
    if (inv.values['from-labels'] === true) {
      const raw = inv.values.value
      const value =
        typeof raw === 'string' ? (/^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw) : undefined
      definition = {
        kind: 'label',
        label: typeof inv.values.label === 'string' ? inv.values.label : name,
        ...(value !== undefined ? { value } : {}),
      }
    } else if (typeof inv.values['from-list'] === 'string') {
      const a = await listFile(project, inv.values['from-list'], 'from-list')
      const against = inv.values.against
      definition = {
        kind: 'sets',
        a,
        ...(typeof against === 'string' ? { b: await listFile(project, against, 'against') } : {}),
      }
    }
    let summary: AttributeSummary | null = null
    if (definition) {
      summary = await engine.request('create.attributes.compute', {
        project,
        name,
        from: definition,
        overwrite: true,
      })
      inv.note(
        `${name}: ${summary.countA} with vs ${summary.countB} without; |v| = ${summary.norm.toFixed(3)}, spread ${summary.spread.toFixed(3)}`,
      )
    } else {
      summary =
        (await engine.request('create.attributes.list', { project })).find(
          (a) => a.name === name,
        ) ?? null
      if (!summary) {
        throw new UsageError(
          `The project has no attribute '${name}' yet: compute it with --from-labels or --from-list.`,
        )
      }
    }
    if (typeof inv.values.apply !== 'string') {
      return {
        project,
        format: 'png',
        files: [],
        recipe: { kind: 'faces', sources: [{ kind: 'image', index: 0 }] },
        size: 0,
        checkpoint: summary.checkpoint,
        attribute: summary,
      }
    }
    const sources = await Promise.all(
      inv.values.apply
        .split(',')
        .filter(Boolean)
        .map((img) => imageFlag(project, img, 'apply')),
    )
    const keep = await keptVectors(inv.values.keep, project, engine)
    const recipe: Recipe = {
      kind: 'sweep',
      sources,
      attribute: name,
      alphas,
      ...(keep.length > 0 ? { keep } : {}),
    }
    const written = await runExport(inv, engine, project, recipe, 'png', {
      attribute: `${summary.description}: ${summary.countA} with, ${summary.countB} without, separation ${summary.separation.toFixed(2)} spreads`,
    })
    return { ...written, attribute: summary }
  },
  format: (result) =>
    result.files.length > 0
      ? formatWritten(result)
      : `Saved attribute ${result.attribute?.name}: ${result.attribute?.description}, ${result.attribute?.countA} with vs ${result.attribute?.countB} without (|v| ${result.attribute?.norm.toFixed(3)}, spread ${result.attribute?.spread.toFixed(3)}).`,
})
