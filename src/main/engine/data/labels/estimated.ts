import type { LabelSummary } from '@shared/contract'
import { summarizeLabels } from './summary'
import type { EstimatedLabels, LabelValue } from './types'

/** What the merge rules read of an image: the artist's labels and, when any, the estimates. */
export interface LabelledImage {
  labels: Record<string, LabelValue>
  estimated?: EstimatedLabels
}

/** What the merge rules read of a dataset (its index or the dataset itself). */
export interface LabelledDataset<I extends LabelledImage = LabelledImage> {
  labelNames: string[]
  estimatedLabelNames?: string[]
  images: I[]
}

/** A dataset's labels as every reader sees them: the artist's, filled in by estimates. */
export interface MergedLabels {
  /** The artist's label names, then the estimated ones the artist does not have. */
  labelNames: string[]
  /** One record per image, in the dataset's order, with every name in `labelNames`. */
  images: { labels: Record<string, LabelValue> }[]
  /** Per label name, the images whose value is an estimate (names without any are absent). */
  estimatedCounts: Map<string, number>
}

/** The artist's names, then each estimated name they lack: an estimate never renames or reorders. */
export function mergedLabelNames(artist: string[], estimated: string[] = []): string[] {
  const names = [...artist]
  for (const name of estimated) if (!names.includes(name)) names.push(name)
  return names
}

/**
 * One image's labels under the merge rules: per label name the artist's value
 * wins; where the artist gave none (no such label, or unknown), the estimate
 * is taken; with neither, the value is unknown (null).
 */
export function mergeImageLabels(
  image: LabelledImage,
  names: string[],
): { labels: Record<string, LabelValue>; fromEstimate: string[] } {
  const labels: Record<string, LabelValue> = {}
  const fromEstimate: string[] = []
  for (const name of names) {
    const artist = image.labels[name]
    if (artist !== null && artist !== undefined) {
      labels[name] = artist
      continue
    }
    const estimate = image.estimated?.[name]
    if (estimate !== undefined) fromEstimate.push(name)
    labels[name] = estimate ?? null
  }
  return { labels, fromEstimate }
}

/** One label's value for one image under the merge rules (for filters that read one label). */
export function mergedLabelValue(image: LabelledImage, name: string): LabelValue {
  return image.labels[name] ?? image.estimated?.[name] ?? null
}

/** Every image's labels under the merge rules; a dataset without estimates is passed through. */
export function mergeDatasetLabels(dataset: LabelledDataset): MergedLabels {
  const estimatedNames = dataset.estimatedLabelNames ?? []
  if (estimatedNames.length === 0) {
    return { labelNames: dataset.labelNames, images: dataset.images, estimatedCounts: new Map() }
  }
  const labelNames = mergedLabelNames(dataset.labelNames, estimatedNames)
  const estimatedCounts = new Map<string, number>()
  const images = dataset.images.map((image) => {
    const merged = mergeImageLabels(image, labelNames)
    for (const name of merged.fromEstimate) {
      estimatedCounts.set(name, (estimatedCounts.get(name) ?? 0) + 1)
    }
    return { labels: merged.labels }
  })
  return { labelNames, images, estimatedCounts }
}

/** The summary of a dataset's labels under the merge rules, each marked with where its values came from. */
export function summarizeDatasetLabels(dataset: LabelledDataset): LabelSummary[] {
  const merged = mergeDatasetLabels(dataset)
  return summarizeLabels(merged.labelNames, merged.images, merged.estimatedCounts)
}

/** The names any image has an estimate for, in first-seen order (what the index records). */
export function estimatedLabelNamesOf(images: LabelledImage[]): string[] {
  const names = new Set<string>()
  for (const image of images) for (const name of Object.keys(image.estimated ?? {})) names.add(name)
  return [...names]
}

/** The longest label name an estimate may use (as for the artist's file-name pattern fields). */
const MAX_NAME_LENGTH = 64

/**
 * The usable part of what an image pipeline estimated: finite numbers and
 * non-empty strings under sensible names. Anything else is dropped, so a
 * faulty estimator cannot put NaN or objects into the index.
 */
export function cleanEstimates(raw: unknown): EstimatedLabels | undefined {
  if (!raw || typeof raw !== 'object') return undefined
  const clean: EstimatedLabels = {}
  for (const [name, value] of Object.entries(raw)) {
    if (name.length === 0 || name.length > MAX_NAME_LENGTH || name.trim() !== name) continue
    if (typeof value === 'number' ? Number.isFinite(value) : typeof value === 'string' && value) {
      clean[name] = value as number | string
    }
  }
  return Object.keys(clean).length > 0 ? clean : undefined
}
