/**
 * Point colours (n x 3 floats in 0..1): by a label, by reconstruction error,
 * or one plain colour. Pure, so the map and the bench colour points alike.
 */
import type { LabelColumn } from '@shared/contract'

export type ColourBy = { kind: 'none' } | { kind: 'label'; name: string } | { kind: 'error' }

/** A legend entry for the UI. */
export interface LegendEntry {
  label: string
  colour: string
}

export interface Colouring {
  colours: Float32Array
  legend: LegendEntry[]
}

const PLAIN: [number, number, number] = [0.45, 0.62, 0.85]
const UNKNOWN: [number, number, number] = [0.35, 0.35, 0.38]
/** Tableau-10-like categorical palette. */
const PALETTE: [number, number, number][] = [
  [0.12, 0.47, 0.71],
  [1.0, 0.5, 0.05],
  [0.17, 0.63, 0.17],
  [0.84, 0.15, 0.16],
  [0.58, 0.4, 0.74],
  [0.55, 0.34, 0.29],
  [0.89, 0.47, 0.76],
  [0.5, 0.5, 0.5],
  [0.74, 0.74, 0.13],
  [0.09, 0.75, 0.81],
]

/** A perceptual-ish ramp from dark blue through teal to yellow (viridis stops). */
const RAMP: [number, number, number][] = [
  [0.27, 0.0, 0.33],
  [0.23, 0.32, 0.55],
  [0.13, 0.57, 0.55],
  [0.37, 0.79, 0.38],
  [0.99, 0.91, 0.14],
]

export function ramp(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t)) * (RAMP.length - 1)
  const i = Math.min(RAMP.length - 2, Math.floor(x))
  const f = x - i
  const a = RAMP[i]
  const b = RAMP[i + 1]
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f]
}

const css = (c: [number, number, number]) => `rgb(${c.map((x) => Math.round(x * 255)).join(', ')})`

export function colourPoints(
  count: number,
  by: ColourBy,
  labels: LabelColumn[],
  reconError: Float32Array | null,
): Colouring {
  const colours = new Float32Array(count * 3)
  const put = (i: number, c: [number, number, number]) => {
    colours[i * 3] = c[0]
    colours[i * 3 + 1] = c[1]
    colours[i * 3 + 2] = c[2]
  }
  if (by.kind === 'error' && reconError) {
    const [lo, hi] = quantiles(reconError, 0.02, 0.98)
    for (let i = 0; i < count; i++) put(i, ramp((reconError[i] - lo) / (hi - lo || 1)))
    return {
      colours,
      legend: [
        { label: `error ≤ ${lo.toPrecision(2)}`, colour: css(ramp(0)) },
        { label: `error ≥ ${hi.toPrecision(2)}`, colour: css(ramp(1)) },
      ],
    }
  }
  const column = by.kind === 'label' ? labels.find((l) => l.name === by.name) : undefined
  if (!column) {
    for (let i = 0; i < count; i++) put(i, PLAIN)
    return { colours, legend: [] }
  }
  if (column.kind === 'category') {
    for (let i = 0; i < count; i++) {
      const code = column.codes[i]
      put(i, code === 0xffff ? UNKNOWN : PALETTE[code % PALETTE.length])
    }
    return {
      colours,
      legend: column.categories
        .slice(0, 12)
        .map((label, code) => ({ label, colour: css(PALETTE[code % PALETTE.length]) })),
    }
  }
  const values = column.values
  const distinct = new Set<number>()
  for (let i = 0; i < count && distinct.size <= 2; i++)
    if (!Number.isNaN(values[i])) distinct.add(values[i])
  if (distinct.size <= 2 && [...distinct].every((v) => v === 0 || v === 1 || v === -1)) {
    // Binary labels (CelebA's -1/1 or 0/1): "has it" in orange, "has not" in blue.
    const yes = PALETTE[1]
    const no = PALETTE[0]
    for (let i = 0; i < count; i++) {
      const v = values[i]
      put(i, Number.isNaN(v) ? UNKNOWN : v > 0 ? yes : no)
    }
    return {
      colours,
      legend: [
        { label: column.name, colour: css(yes) },
        { label: `not ${column.name}`, colour: css(no) },
      ],
    }
  }
  const [lo, hi] = quantiles(values, 0.02, 0.98)
  for (let i = 0; i < count; i++) {
    const v = values[i]
    put(i, Number.isNaN(v) ? UNKNOWN : ramp((v - lo) / (hi - lo || 1)))
  }
  return {
    colours,
    legend: [
      { label: `${column.name} ${lo.toPrecision(3)}`, colour: css(ramp(0)) },
      { label: `${column.name} ${hi.toPrecision(3)}`, colour: css(ramp(1)) },
    ],
  }
}

/** Two quantiles of the finite values (sorting a copy; fine for 200k once per recolour). */
export function quantiles(values: Float32Array, a: number, b: number): [number, number] {
  const finite = values.filter((v) => Number.isFinite(v)).sort()
  if (finite.length === 0) return [0, 1]
  const at = (q: number) => finite[Math.min(finite.length - 1, Math.floor(q * finite.length))]
  return [at(a), at(b)]
}
