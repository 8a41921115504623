/**
 * Search over the map's points by file name or label: "smile" matches file
 * names containing it and labels so named that are set; "hair=blond" matches a
 * label's value; several words must all match.
 */
import type { LabelColumn } from '@shared/contract'

export function searchPoints(query: string, files: string[], labels: LabelColumn[]): Int32Array {
  const terms = query.trim().toLowerCase().split(/\s+/).filter(Boolean)
  if (terms.length === 0) return new Int32Array(0)
  let matches: boolean[] = files.map(() => true)
  for (const term of terms) {
    const next = termMatches(term, files, labels)
    matches = matches.map((m, i) => m && next[i])
  }
  const out: number[] = []
  matches.forEach((m, i) => m && out.push(i))
  return Int32Array.from(out)
}

function termMatches(term: string, files: string[], labels: LabelColumn[]): boolean[] {
  const eq = term.indexOf('=')
  if (eq > 0) {
    const name = term.slice(0, eq)
    const wanted = term.slice(eq + 1)
    const column = labels.find((l) => l.name.toLowerCase() === name)
    if (!column) return files.map(() => false)
    if (column.kind === 'number') {
      const value = Number(wanted)
      return Array.from(column.values, (v) => v === value)
    }
    const codes = new Set(
      column.categories.flatMap((c, code) => (c.toLowerCase() === wanted ? [code] : [])),
    )
    return Array.from(column.codes, (c) => codes.has(c))
  }
  const byFile = files.map((f) => f.toLowerCase().includes(term))
  for (const column of labels) {
    if (!column.name.toLowerCase().includes(term)) continue
    if (column.kind === 'number') {
      column.values.forEach((v, i) => {
        if (v > 0) byFile[i] = true
      })
    }
  }
  for (const column of labels) {
    if (column.kind !== 'category') continue
    const codes = new Set(
      column.categories.flatMap((c, code) => (c.toLowerCase().includes(term) ? [code] : [])),
    )
    if (codes.size === 0) continue
    column.codes.forEach((c, i) => {
      if (codes.has(c)) byFile[i] = true
    })
  }
  return byFile
}
