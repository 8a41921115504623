import type { LabelProblem, LabelTable, LabelValue } from './types'

/**
 * Parses CelebA's `list_attr_celeba.txt`: a count line, a line of attribute
 * names, then `<file> v1 .. vN` with 1 / -1 (a few copies use 0 for -1).
 * Values become 1 / 0. Bad rows are reported, never fatal.
 */
export function parseCelebaAttributes(text: string): LabelTable {
  const lines = text.split(/\r?\n/)
  const problems: LabelProblem[] = []
  let at = 0
  while (at < lines.length && lines[at].trim() === '') at++
  let declared: number | null = null
  if (/^\s*\d+\s*$/.test(lines[at] ?? '')) {
    declared = Number(lines[at].trim())
    at++
  } else {
    problems.push({ line: at + 1, reason: 'no count line; reading the names from this line' })
  }
  const names = (lines[at] ?? '').trim().split(/\s+/).filter(Boolean)
  if (names.length === 0) {
    return { names, rows: new Map(), problems: [{ line: at + 1, reason: 'no attribute names' }] }
  }
  at++
  const rows = new Map<string, Record<string, LabelValue>>()
  for (let i = at; i < lines.length; i++) {
    const line = lines[i].trim()
    if (line === '') continue
    const parts = line.split(/\s+/)
    // Some copies repeat the names line with a leading column header: take it as a header.
    const [file, ...values] = parts
    if (values.length !== names.length) {
      problems.push({
        line: i + 1,
        reason: `${file}: ${values.length} values for ${names.length} attributes; row ignored`,
      })
      continue
    }
    const labels: Record<string, LabelValue> = {}
    let bad = 0
    names.forEach((name, k) => {
      const v = values[k]
      if (v === '1') labels[name] = 1
      else if (v === '-1' || v === '0') labels[name] = 0
      else {
        labels[name] = null
        bad++
      }
    })
    if (bad > 0) problems.push({ line: i + 1, reason: `${file}: ${bad} values not 1/-1 (unknown)` })
    if (rows.has(file))
      problems.push({ line: i + 1, reason: `${file} listed again; last row kept` })
    rows.set(file, labels)
  }
  if (declared !== null && declared !== rows.size) {
    problems.push({ line: 1, reason: `the count line says ${declared} rows; ${rows.size} read` })
  }
  return { names, rows, problems }
}

/** Whether a label file's text looks like CelebA's attribute list. */
export function looksLikeCeleba(text: string): boolean {
  const lines = text.split(/\r?\n/, 4)
  return /^\s*\d+\s*$/.test(lines[0] ?? '') && !/[,\t;]/.test(lines[1] ?? '')
}
