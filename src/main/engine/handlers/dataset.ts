import type { DatasetThumbnails } from '@shared/contract'
import { EngineError } from '@shared/protocol'
import { probeFaces } from '../data/faces/probe'
import { faceSource } from '../data/faces/source-photo'
import { ingestDemo, ingestFolder, readIngestReport, type IngestHooks } from '../data/ingest'
import { categoricalLabels, setCategorical, withCategorical } from '../data/labels/categorical'
import {
  mergeImageLabels,
  mergedLabelNames,
  mergedLabelValue,
  summarizeDatasetLabels,
} from '../data/labels/estimated'
import { imageBytes, openPixels, readDatasetIndex } from '../data/store'
import type { HandlerTable } from './types'

/** One ingest per project at a time: a second would race the first's writes. */
export const ingestKey = (project: string) => `ingest:${project}`

export const datasetHandlers: HandlerTable<
  | 'dataset.faces.probe'
  | 'dataset.faces.source'
  | 'dataset.ingest'
  | 'dataset.info'
  | 'dataset.labels.categorical'
  | 'dataset.thumbnails'
> = {
  'dataset.ingest': ({ project, source, size }, ctx) => {
    const title =
      source.kind === 'folder'
        ? `Ingesting ${source.folder} at ${size}px (${source.crop} crop) into ${project}`
        : `Making ${source.count} synthetic faces at ${size}px (seed ${source.seed}) into ${project}`
    const options = { title, project, exclusiveKey: ingestKey(project) }
    return ctx.jobs.start('ingest', options, async (control) => {
      const hooks: IngestHooks = {
        checkpoint: () => control.checkpoint(),
        progress: (p) => {
          const fraction = p.total > 0 ? p.done / p.total : null
          const rate = p.imagesPerSecond > 0 ? `, ${p.imagesPerSecond.toFixed(0)} img/s` : ''
          control.progress(
            p.phase === 'reading' || p.phase === 'rendering' ? fraction : null,
            `${p.phase}${p.total ? ` ${p.done}/${p.total}` : p.done ? `: ${p.done} images found` : ''}${rate}${p.skipped ? `, ${p.skipped} skipped` : ''}`,
          )
          ctx.emit('dataset.progress', { jobId: control.id, project, ...p })
        },
      }
      const report =
        source.kind === 'folder'
          ? await ingestFolder(
              project,
              {
                folder: source.folder,
                size,
                crop: source.crop,
                noFace: source.noFace,
                faces: source.faces,
                labels: source.labels,
              },
              hooks,
            )
          : await ingestDemo(project, { count: source.count, seed: source.seed, size }, hooks)
      // The job's snapshot stays small: the full skipped list is in dataset/report.json and dataset.info.
      return {
        ...report,
        skipped: report.skipped.slice(0, 100),
        skippedCount: report.skipped.length,
      }
    })
  },

  'dataset.info': async ({ project }) => {
    let index
    try {
      index = await readDatasetIndex(project)
    } catch (error) {
      if (error instanceof EngineError && error.code === 'not_found') return null
      throw error
    }
    return {
      project,
      size: index.size,
      count: index.count,
      source: index.source,
      labels: withCategorical(summarizeDatasetLabels(index), await categoricalLabels(project)),
      report: await readIngestReport(project),
      pixelBytes: index.pixelBytes,
      writtenAt: index.writtenAt,
    }
  },

  'dataset.faces.probe': ({ folder, sample }) => probeFaces(folder, sample),

  'dataset.faces.source': ({ project, index, side }) => faceSource(project, index, side),

  'dataset.labels.categorical': async ({ project, label, categorical, names }) => {
    const index = await readDatasetIndex(project)
    return setCategorical(project, summarizeDatasetLabels(index), label, categorical, names)
  },

  'dataset.thumbnails': async ({ project, offset, limit, where }) => {
    const index = await readDatasetIndex(project)
    const labelNames = mergedLabelNames(index.labelNames, index.estimatedLabelNames)
    let selected = index.images.map((_, i) => i)
    if (where) {
      if (!labelNames.includes(where.label)) {
        throw new EngineError(
          'bad_request',
          `The dataset has no label "${where.label}"; its labels are ${labelNames.join(', ') || '(none)'}.`,
        )
      }
      selected = selected.filter(
        (i) => mergedLabelValue(index.images[i], where.label) === where.value,
      )
    }
    const page = selected.slice(offset, offset + limit)
    const bytes = imageBytes(index.size)
    const pixels = new Uint8Array(page.length * bytes)
    // Read only the page's images from the pixels file, not the whole dataset.
    const handle = await openPixels(project)
    try {
      for (let k = 0; k < page.length; k++) {
        await handle.read(pixels, k * bytes, bytes, page[k] * bytes)
      }
    } finally {
      await handle.close()
    }
    const reply: DatasetThumbnails = {
      size: index.size,
      total: index.count,
      matching: selected.length,
      offset,
      indices: Int32Array.from(page),
      files: page.map((i) => index.images[i].file),
      labels: page.map((i) => mergeImageLabels(index.images[i], labelNames).labels),
      pixels,
    }
    return reply
  },
}
