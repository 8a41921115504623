import type { LabelProblem, LabelTable, LabelValue } from './types'

/** Column headers taken as the file-name column, in order of preference. */
const FILE_COLUMNS = [
  'file',
  'filename',
  'file_name',
  'image',
  'image_id',
  'image_name',
  'img',
  'path',
  'name',
]

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'y', 't'])
const FALSE_WORDS = new Set(['0', '-1', 'false', 'no', 'n', 'f'])

/**
 * Parses a CSV or TSV label table: a header row, one column of file names
 * (named file/filename/image/... or else the first), attribute columns.
 * A column whose values are all yes/no words (1/0, 1/-1, true/false, yes/no)
 * becomes binary 1/0; all numbers stay numbers; anything else is a category.
 */
export function parseLabelTable(text: string, delimiter?: string): LabelTable {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? ''
  const sep =
    delimiter ??
    (firstLine.includes('\t')
      ? '\t'
      : firstLine.includes(';') && !firstLine.includes(',')
        ? ';'
        : ',')
  const records = splitRecords(text.replace(/^\uFEFF/, ''), sep)
  const problems: LabelProblem[] = []
  const header = records.shift()
  if (!header || header.cells.every((c) => c.trim() === '')) {
    return { names: [], rows: new Map(), problems: [{ line: 1, reason: 'no header row' }] }
  }
  const heads = header.cells.map((c) => c.trim())
  let fileCol = -1
  for (const wanted of FILE_COLUMNS) {
    fileCol = heads.findIndex((h) => h.toLowerCase() === wanted)
    if (fileCol >= 0) break
  }
  if (fileCol < 0) fileCol = 0
  const columns = heads
    .map((h, i) => ({ name: h || `column${i + 1}`, i }))
    .filter((c) => c.i !== fileCol)
  const raw = new Map<string, string[]>()
  const lineOf = new Map<string, number>()
  for (const record of records) {
    if (record.cells.length === 1 && record.cells[0].trim() === '') continue
    if (record.cells.length !== heads.length) {
      problems.push({
        line: record.line,
        reason: `${record.cells.length} cells for ${heads.length} columns; row ignored`,
      })
      continue
    }
    const file = record.cells[fileCol].trim()
    if (file === '') {
      problems.push({ line: record.line, reason: 'no file name; row ignored' })
      continue
    }
    if (raw.has(file))
      problems.push({ line: record.line, reason: `${file} listed again; last row kept` })
    raw.set(file, record.cells)
    lineOf.set(file, record.line)
  }
  const kinds = columns.map((c) => columnKind([...raw.values()].map((cells) => cells[c.i].trim())))
  const rows = new Map<string, Record<string, LabelValue>>()
  for (const [file, cells] of raw) {
    const labels: Record<string, LabelValue> = {}
    columns.forEach((c, k) => {
      labels[c.name] = convert(cells[c.i].trim(), kinds[k])
    })
    rows.set(file, labels)
  }
  return { names: columns.map((c) => c.name), rows, problems }
}

type Kind = 'binary' | 'number' | 'category'

function columnKind(values: string[]): Kind {
  const present = values.filter((v) => v !== '').map((v) => v.toLowerCase())
  if (present.length === 0) return 'category'
  if (present.every((v) => TRUE_WORDS.has(v) || FALSE_WORDS.has(v))) {
    // Digits alone are binary only when they are 1/0 or 1/-1, not e.g. a 0..1 count column.
    return 'binary'
  }
  if (present.every((v) => Number.isFinite(Number(v)))) return 'number'
  return 'category'
}

function convert(value: string, kind: Kind): LabelValue {
  if (value === '') return null
  const lower = value.toLowerCase()
  if (kind === 'binary') return TRUE_WORDS.has(lower) ? 1 : 0
  if (kind === 'number') return Number(value)
  return value
}

/** RFC 4180-style records: quoted cells may hold the separator, quotes ("") and newlines. */
function splitRecords(text: string, sep: string): { line: number; cells: string[] }[] {
  const records: { line: number; cells: string[] }[] = []
  let cells: string[] = []
  let cell = ''
  let quoted = false
  let line = 1
  let start = 1
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"'
          i++
        } else quoted = false
      } else {
        if (ch === '\n') line++
        cell += ch
      }
      continue
    }
    if (ch === '"' && cell.trim() === '') {
      quoted = true
      cell = ''
    } else if (ch === sep) {
      cells.push(cell)
      cell = ''
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++
      cells.push(cell)
      records.push({ line: start, cells })
      cells = []
      cell = ''
      line++
      start = line
    } else cell += ch
  }
  if (cell !== '' || cells.length > 0) {
    cells.push(cell)
    records.push({ line: start, cells })
  }
  return records
}
