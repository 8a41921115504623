import type { LabelSummary } from '@shared/contract'

/** An image's labels in a line: binary labels that are 1 by name, others as name=value. */
export function labelLine(
  labels: Record<string, number | string | null>,
  summary: LabelSummary[],
): string {
  const binary = new Set(summary.filter((s) => s.kind === 'binary').map((s) => s.name))
  const parts: string[] = []
  for (const [name, value] of Object.entries(labels)) {
    if (value === null) continue
    if (binary.has(name)) {
      if (value === 1) parts.push(name.replace(/_/g, ' '))
    } else parts.push(`${name}=${value}`)
  }
  return parts.join(', ') || 'no labels'
}

/** A label's count in a few words: "3839 of 8000" or "1..100, mean 29.5". */
export function labelCount(s: LabelSummary): string {
  if (s.kind === 'binary') return `${s.positives} of ${s.known}`
  if (s.kind === 'number') return `${s.min}..${s.max}, mean ${s.mean?.toFixed(1)}`
  return `${s.values?.length ?? 0}+ values, ${s.known} known`
}

/** Where a label's values come from, for its tag's tooltip; null for the artist's own labels. */
export function estimateNote(s: LabelSummary): string | null {
  if (s.source !== 'estimated') return null
  const count = s.estimated ?? s.known
  return count >= s.known
    ? `estimated from the pixels for all ${s.known} images that have a value`
    : `estimated from the pixels for ${count} of the ${s.known} images that have a value; the rest are yours`
}
