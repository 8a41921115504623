import type { LabelValue } from './types'

/** A compiled file-name pattern such as `{age}_{gender}_{race}_{date}.jpg.chip.jpg`. */
export interface NamePattern {
  source: string
  /** Field names in order; `{_}` or `{*}` match anything and make no label. */
  names: string[]
  /** Labels for a file name, or null when the name does not fit (its labels are then unknown). */
  match(name: string): Record<string, LabelValue> | null
}

/**
 * Compiles a pattern of literal text and `{field}`s. A field stops at the
 * first character of the literal after it, so `{age}_{gender}` never lets a
 * field swallow an underscore. The pattern is matched against the file's name
 * (or its relative path when the pattern contains '/'). Numeric values become
 * numbers.
 */
export function compileNamePattern(pattern: string): NamePattern {
  const parts = pattern.split(/(\{[^{}]*\})/).filter((p) => p !== '')
  const fields: { name: string; skip: boolean }[] = []
  let regex = '^'
  parts.forEach((part, i) => {
    const field = /^\{([^{}]*)\}$/.exec(part)
    if (!field) {
      regex += escape(part)
      return
    }
    const name = field[1].trim()
    if (name !== '_' && name !== '*' && !/^[\p{L}\p{N}_ .-]{1,64}$/u.test(name)) {
      throw new Error(
        `"{${name}}" in the pattern is not a usable field name (letters, digits, _ . - and spaces)`,
      )
    }
    const skip = name === '_' || name === '*'
    if (!skip && fields.some((f) => f.name === name)) {
      throw new Error(`the pattern names the field {${name}} twice`)
    }
    const next = parts[i + 1]
    const stop = next && !next.startsWith('{') ? classEscape(next[0]) : null
    regex += stop ? `([^/${stop}]+)` : '([^/]+?)'
    fields.push({ name, skip })
  })
  regex += '$'
  if (fields.filter((f) => !f.skip).length === 0) {
    throw new Error(
      'the pattern has no {field}; write e.g. {age}_{gender}_{race}_{date}.jpg.chip.jpg',
    )
  }
  const compiled = new RegExp(regex, 'u')
  const matchPath = pattern.includes('/')
  return {
    source: pattern,
    names: fields.filter((f) => !f.skip).map((f) => f.name),
    match(file) {
      const name = matchPath ? file : file.slice(file.lastIndexOf('/') + 1)
      const m = compiled.exec(name)
      if (!m) return null
      const labels: Record<string, LabelValue> = {}
      fields.forEach((f, k) => {
        if (f.skip) return
        const value = m[k + 1]
        // Long digit runs (timestamps) stay text: as numbers they would lose digits.
        labels[f.name] = /^-?\d{1,15}(\.\d+)?$/.test(value) ? Number(value) : value
      })
      return labels
    },
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}

function classEscape(ch: string): string {
  return /[\]\\^-]/.test(ch) ? `\\${ch}` : ch
}
