import { resolve } from 'node:path'
import type { IngestSummary, LabelSources, ParamsOf } from '@shared/contract'
import { CROP_MODES, DATASET_SIZES, FACES_CHOICES, NO_FACE_CHOICES } from '@shared/contract'
import { command, numberFlag, UsageError } from '../command'
import { runJob } from '../follow'
import { projectFlag } from './encode'

type IngestResult = IngestSummary & { project: string; peakRssMB: number }

export const ingest = command({
  name: 'ingest',
  summary: "Build a project's dataset from an image folder (with labels), or from synthetic faces",
  usage:
    'atelier ingest <folder> [--labels FILE] [--labels-kind auto|celeba|csv|tsv] [--label-pattern P] [--folder-labels] [--crop face|center|celeba|fit] [--no-face skip|center] [--faces largest|all] [--size 32|64|128] --project DIR [--json]\n' +
    '       atelier ingest --demo N [--seed S] [--size 64] --project DIR [--json]',
  options: {
    project: { type: 'string' },
    labels: { type: 'string' },
    'labels-kind': { type: 'string' },
    'label-pattern': { type: 'string' },
    'folder-labels': { type: 'boolean' },
    crop: { type: 'string' },
    'no-face': { type: 'string' },
    faces: { type: 'string' },
    size: { type: 'string' },
    demo: { type: 'string' },
    seed: { type: 'string' },
    backend: { type: 'string' },
  },
  run: async (inv): Promise<IngestResult> => {
    const project = projectFlag(inv.values)
    const size = numberFlag(inv.values, 'size', 64, { min: 1, max: 1024, integer: true })
    if (!(DATASET_SIZES as readonly number[]).includes(size)) {
      throw new UsageError(`--size ${size}: the model sizes are ${DATASET_SIZES.join(', ')}.`)
    }
    const engine = await inv.engine()
    let params: ParamsOf<'dataset.ingest'>
    if (inv.values.demo !== undefined) {
      if (inv.positionals.length > 0)
        throw new UsageError('give either a folder or --demo N, not both.')
      const count = numberFlag(inv.values, 'demo', 2000, { min: 1, max: 250_000, integer: true })
      const seed = numberFlag(inv.values, 'seed', 1, { min: 0, max: 2 ** 31 - 1, integer: true })
      params = { project, size: size as 64, source: { kind: 'demo', count, seed } }
    } else {
      if (inv.positionals.length !== 1) {
        throw new UsageError('give one image folder (or --demo N for synthetic faces).')
      }
      const crop = String(inv.values.crop ?? 'center')
      if (!(CROP_MODES as readonly string[]).includes(crop)) {
        throw new UsageError(`--crop ${crop}: use one of ${CROP_MODES.join(', ')}.`)
      }
      const noFace = String(inv.values['no-face'] ?? 'skip')
      if (!(NO_FACE_CHOICES as readonly string[]).includes(noFace)) {
        throw new UsageError(`--no-face ${noFace}: use one of ${NO_FACE_CHOICES.join(', ')}.`)
      }
      const faces = String(inv.values.faces ?? 'largest')
      if (!(FACES_CHOICES as readonly string[]).includes(faces)) {
        throw new UsageError(`--faces ${faces}: use one of ${FACES_CHOICES.join(', ')}.`)
      }
      if (faces === 'all' && crop !== 'face') {
        throw new UsageError('--faces all needs --crop face (it keeps each face found in a photo).')
      }
      const labels: LabelSources = {}
      if (typeof inv.values.labels === 'string') labels.file = resolve(inv.values.labels)
      const kind = inv.values['labels-kind']
      if (kind !== undefined) {
        if (!['auto', 'celeba', 'csv', 'tsv'].includes(String(kind))) {
          throw new UsageError(`--labels-kind ${String(kind)}: use auto, celeba, csv or tsv.`)
        }
        labels.kind = kind as LabelSources['kind']
      }
      if (typeof inv.values['label-pattern'] === 'string')
        labels.pattern = inv.values['label-pattern']
      if (inv.values['folder-labels'] === true) labels.folders = true
      const given = labels.file !== undefined || labels.pattern !== undefined || labels.folders
      params = {
        project,
        size: size as 64,
        source: {
          kind: 'folder',
          folder: resolve(inv.positionals[0]),
          crop: crop as 'center',
          ...(crop === 'face' ? { noFace: noFace as 'skip', faces: faces as 'all' } : {}),
          ...(given ? { labels } : {}),
        },
      }
    }
    const result = await runJob(engine, 'dataset.ingest', params, inv.note)
    return { project, ...result, peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024) }
  },
  format: (r) => formatIngestReport(r),
})

/** The report as text: what was made, what was skipped and why, what the labels look like. */
export function formatIngestReport(r: IngestResult): string {
  const lines = [
    `${r.message}.`,
    `Wrote ${r.project}/dataset (${r.images} images); ${r.seconds.toFixed(1)} s, ${r.imagesPerSecond.toFixed(0)} images/s` +
      (r.processed ? ` (${r.decodePerSecond.toFixed(0)} decodes/s)` : '') +
      `, peak RSS ${r.peakRssMB} MB.`,
  ]
  if (r.skippedCount > 0) {
    lines.push(`Skipped ${r.skippedCount} files:`)
    for (const c of r.skippedByFormat ?? []) {
      lines.push(`  ${c.format}: ${c.reason}; ${c.count} file${c.count === 1 ? '' : 's'}`)
    }
    for (const s of r.skipped.slice(0, 30)) lines.push(`  ${s.file}: ${s.reason}`)
    if (r.skippedCount > 30)
      lines.push(`  ... and ${r.skippedCount - 30} more (see ${r.project}/dataset/report.json)`)
  }
  const l = r.labels
  if (l.summary.length > 0) {
    lines.push(`Labels from ${l.sources.join(', ')}: ${l.labelled} of ${r.images} images labelled.`)
    for (const s of l.summary) {
      const detail =
        s.kind === 'binary'
          ? `${s.positives} positive of ${s.known}`
          : s.kind === 'number'
            ? `${s.min}..${s.max}, mean ${s.mean?.toFixed(1)}, ${s.known} known${s.values ? ` (${s.values.map((v) => `${v.value}: ${v.count}`).join(', ')})` : ''}`
            : `${s.known} known: ${(s.values ?? [])
                .slice(0, 6)
                .map((v) => `${v.value} ${v.count}`)
                .join(', ')}`
      lines.push(`  ${s.name.padEnd(20)} ${detail}`)
    }
    if (l.unmatchedRowCount)
      lines.push(
        `  ${l.unmatchedRowCount} label rows match no image (e.g. ${l.unmatchedRows.slice(0, 3).join(', ')})`,
      )
    if (l.unlabelledCount)
      lines.push(
        `  ${l.unlabelledCount} images have no label (e.g. ${l.unlabelledFiles.slice(0, 3).join(', ')})`,
      )
    if (l.patternMissCount)
      lines.push(
        `  ${l.patternMissCount} names do not fit the pattern, labels unknown (e.g. ${l.patternMisses.slice(0, 3).join(', ')})`,
      )
    for (const p of l.problems.slice(0, 10)) lines.push(`  label file line ${p.line}: ${p.reason}`)
  }
  return lines.join('\n')
}
