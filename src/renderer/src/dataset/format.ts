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
