import type { IngestReport } from '@shared/contract'
import { readFile } from 'node:fs/promises'
import { basename, extname } from 'node:path'
import type { LabelSources } from '@shared/contract'
import { EngineError } from '@shared/protocol'
import { looksLikeCeleba, parseCelebaAttributes } from './celeba'
import { compileNamePattern } from './pattern'
import { parseLabelTable } from './table'
import type { LabelTable, LabelValue } from './types'

/** Where an ingest takes labels from (declared with the contract). */
export type LabelSpec = LabelSources

/** What the report says about labels (the contract's, less the summary added at the end). */
export type LabelReport = Omit<IngestReport['labels'], 'summary'>

/** A label report with nothing found yet. */
export function emptyLabelReport(sources: string[] = []): LabelReport {
  return {
    sources,
    labelled: 0,
    unlabelledFiles: [],
    unlabelledCount: 0,
    unmatchedRows: [],
    unmatchedRowCount: 0,
    patternMisses: [],
    patternMissCount: 0,
    problems: [],
  }
}

/** Lists in the report are cut to this many entries (counts stay whole). */
export const REPORT_LIST_CAP = 200

export interface AttachedLabels {
  labelNames: string[]
  /** One record per file, in the order given. */
  labels: Record<string, LabelValue>[]
  report: LabelReport
}

/** Reads and parses a label file; problems the user can fix become EngineErrors naming the file. */
export async function readLabelFile(
  path: string,
  kind: LabelSpec['kind'] = 'auto',
): Promise<LabelTable> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new EngineError(
      'not_found',
      `Cannot read the label file ${path} (${(error as Error).message.split('\n')[0]}); check the path.`,
    )
  }
  const chosen =
    kind !== 'auto'
      ? kind
      : /list_attr/i.test(basename(path)) || looksLikeCeleba(text)
        ? 'celeba'
        : extname(path).toLowerCase() === '.tsv'
          ? 'tsv'
          : 'csv'
  const table =
    chosen === 'celeba'
      ? parseCelebaAttributes(text)
      : parseLabelTable(text, chosen === 'tsv' ? '\t' : undefined)
  if (table.names.length === 0) {
    throw new EngineError(
      'bad_request',
      `The label file ${path} has no attribute columns (${table.problems[0]?.reason ?? 'empty'}); expected a CelebA attribute list, or a CSV/TSV with a file-name column and attribute columns.`,
    )
  }
  return table
}

/**
 * Gives each file (relative path, '/'-separated) its labels from the sources
 * in `spec`. A label-file row names a file by relative path, by file name, or
 * by file name without extension, tried in that order.
 */
export async function attachLabels(files: string[], spec: LabelSpec): Promise<AttachedLabels> {
  const names: string[] = []
  const labels: Record<string, LabelValue>[] = files.map(() => ({}))
  const report = emptyLabelReport()
  const addNames = (more: string[]) => {
    for (const name of more) if (!names.includes(name)) names.push(name)
  }

  if (spec.file) {
    const table = await readLabelFile(spec.file, spec.kind)
    report.sources.push(`file ${spec.file}`)
    report.problems.push(...table.problems.slice(0, REPORT_LIST_CAP))
    addNames(table.names)
    const lookup = fileLookup(files)
    for (const [key, row] of table.rows) {
      const matches = lookup(key)
      if (matches.length === 0) {
        report.unmatchedRowCount++
        if (report.unmatchedRows.length < REPORT_LIST_CAP) report.unmatchedRows.push(key)
        continue
      }
      for (const i of matches) Object.assign(labels[i], row)
    }
  }

  if (spec.pattern) {
    let pattern
    try {
      pattern = compileNamePattern(spec.pattern)
    } catch (error) {
      throw new EngineError(
        'bad_request',
        `File-name pattern "${spec.pattern}": ${(error as Error).message}.`,
      )
    }
    report.sources.push(`pattern ${spec.pattern}`)
    addNames(pattern.names)
    files.forEach((file, i) => {
      const found = pattern.match(file)
      if (found) Object.assign(labels[i], found)
      else {
        report.patternMissCount++
        if (report.patternMisses.length < REPORT_LIST_CAP) report.patternMisses.push(file)
      }
    })
  }

  if (spec.folders) {
    report.sources.push('sub-folder names')
    addNames(['folder'])
    files.forEach((file, i) => {
      const slash = file.lastIndexOf('/')
      labels[i].folder = slash > 0 ? file.slice(0, slash) : null
    })
  }

  files.forEach((file, i) => {
    const record: Record<string, LabelValue> = {}
    for (const name of names) record[name] = labels[i][name] ?? null
    labels[i] = record
    if (names.length === 0) return
    if (names.some((name) => record[name] !== null)) report.labelled++
    else {
      report.unlabelledCount++
      if (report.unlabelledFiles.length < REPORT_LIST_CAP) report.unlabelledFiles.push(file)
    }
  })
  return { labelNames: names, labels, report }
}

function fileLookup(files: string[]): (key: string) => number[] {
  const byPath = new Map<string, number[]>()
  const byName = new Map<string, number[]>()
  const byStem = new Map<string, number[]>()
  const add = (map: Map<string, number[]>, key: string, i: number) => {
    const list = map.get(key)
    if (list) list.push(i)
    else map.set(key, [i])
  }
  files.forEach((file, i) => {
    const name = file.slice(file.lastIndexOf('/') + 1)
    add(byPath, file, i)
    add(byName, name, i)
    add(byStem, stem(name), i)
  })
  return (raw) => {
    const key = raw.replace(/\\/g, '/').replace(/^\.\//, '')
    return byPath.get(key) ?? byName.get(key) ?? byStem.get(key) ?? byStem.get(stem(key)) ?? []
  }
}

function stem(name: string): string {
  const dot = name.lastIndexOf('.')
  return dot > 0 ? name.slice(0, dot) : name
}
