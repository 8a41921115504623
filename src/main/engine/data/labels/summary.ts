import type { LabelSummary } from '@shared/contract'
import type { LabelValue } from './types'

/**
 * What each label looks like across the images: binary (only 0/1), numbers,
 * or categories, with positives, ranges or the commonest values. `estimated`
 * counts, per label, the images whose value is an estimate (none when absent).
 */
export function summarizeLabels(
  labelNames: string[],
  images: { labels: Record<string, LabelValue> }[],
  estimated: ReadonlyMap<string, number> = new Map(),
): LabelSummary[] {
  return labelNames.map((name) => {
    const count = estimated.get(name) ?? 0
    const origin = count > 0 ? { source: 'estimated' as const, estimated: count } : artistSource
    return { name, ...origin, ...describeValues(images.map((im) => im.labels[name])) }
  })
}

const artistSource = { source: 'artist' as const }

/** The kind and statistics of one label's values (null and undefined are unknown). */
function describeValues(
  all: (LabelValue | undefined)[],
): Omit<LabelSummary, 'name' | 'source' | 'estimated'> {
  const values = all.filter((v) => v !== null && v !== undefined)
  const known = values.length
  if (known > 0 && values.every((v) => v === 0 || v === 1)) {
    return { kind: 'binary', known, positives: values.filter((v) => v === 1).length }
  }
  if (known > 0 && values.every((v) => typeof v === 'number')) {
    const nums = values as number[]
    let min = Infinity
    let max = -Infinity
    let sum = 0
    for (const v of nums) {
      if (v < min) min = v
      if (v > max) max = v
      sum += v
    }
    const counts = countValues(nums.map(String))
    // Few distinct numbers (UTKFace's race 0..4) are worth listing like categories.
    return {
      kind: 'number',
      known,
      min,
      max,
      mean: sum / known,
      ...(counts.length <= 12 ? { values: counts } : {}),
    }
  }
  return { kind: 'category', known, values: countValues(values.map(String)).slice(0, 20) }
}

function countValues(values: string[]): { value: string; count: number }[] {
  const counts = new Map<string, number>()
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1)
  return [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1))
}
