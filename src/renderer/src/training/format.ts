/** Pure helpers of the Training panel (tested without a DOM). */

/** One image of an RGB batch (count x size x size x 3) as RGBA for ImageData. */
export function rgbImageToRgba(
  rgb: Uint8Array,
  index: number,
  size: number,
): Uint8ClampedArray<ArrayBuffer> {
  const pixels = size * size
  const out = new Uint8ClampedArray(pixels * 4)
  const base = index * pixels * 3
  for (let p = 0; p < pixels; p++) {
    out[p * 4] = rgb[base + p * 3] ?? 0
    out[p * 4 + 1] = rgb[base + p * 3 + 1] ?? 0
    out[p * 4 + 2] = rgb[base + p * 3 + 2] ?? 0
    out[p * 4 + 3] = 255
  }
  return out
}

/** A point of a loss curve. */
export interface CurvePoint {
  step: number
  value: number
}

/** The value range a chart shows; log when it spans more than a decade, as losses do early on. */
export interface ValueRange {
  min: number
  max: number
}

/** Maps a value to its y in a chart `height` tall (top is 0), clamped to `range`. */
export function valueToY(range: ValueRange, height: number): (value: number) => number {
  const { min, max } = range
  const log = min > 0 && max / min > 10
  const f = (v: number) => (log ? Math.log(v) : v)
  const span = f(max) - f(min) || 1
  return (value) => height - ((f(Math.min(max, Math.max(min, value))) - f(min)) / span) * height
}

/** The range of every finite value of the curves, or null with none. */
export function rangeOf(curves: readonly (readonly CurvePoint[])[]): ValueRange | null {
  const values = curves
    .flat()
    .map((p) => p.value)
    .filter(Number.isFinite)
  if (values.length === 0) return null
  return { min: Math.min(...values), max: Math.max(...values) }
}

/**
 * An SVG path of `points` in a width x height box: steps on x from first to last, values on y
 * (its own range unless `range` is given; see `valueToY`).
 */
export function curvePath(
  points: readonly CurvePoint[],
  width: number,
  height: number,
  range?: ValueRange,
): string {
  const finite = points.filter((p) => Number.isFinite(p.value))
  if (finite.length < 2) return ''
  const first = finite[0]!.step
  const last = finite[finite.length - 1]!.step
  const y = valueToY(range ?? rangeOf([finite])!, height)
  return finite
    .map((p, i) => {
      const x = last === first ? 0 : ((p.step - first) / (last - first)) * width
      return `${i === 0 ? 'M' : 'L'}${x.toFixed(1)},${y(p.value).toFixed(1)}`
    })
    .join(' ')
}

/**
 * Three labelled values for a chart's y axis: the top, the middle (geometric on a log
 * scale) and the bottom of `range`, each with its y in a chart `height` tall.
 */
export function axisTicks(range: ValueRange, height: number): { label: string; y: number }[] {
  const { min, max } = range
  const log = min > 0 && max / min > 10
  const middle = log ? Math.sqrt(min * max) : (min + max) / 2
  const y = valueToY(range, height)
  return [max, middle, min].map((value) => ({ label: compactNumber(value), y: y(value) }))
}

/** "12.3k", "512", "3.42", "0.0116": three significant digits, thousands as k. */
export function compactNumber(value: number): string {
  if (Math.abs(value) >= 1e6) return `${(value / 1e6).toPrecision(3)}M`
  if (Math.abs(value) >= 1e4) return `${(value / 1e3).toPrecision(3)}k`
  if (Math.abs(value) >= 1000) return Math.round(value).toString()
  return Number(value.toPrecision(3)).toString()
}

/**
 * Keeps a curve to at most `max` points by merging neighbours (mean) once it grows past it, so
 * hours of training stay cheap to draw.
 */
export function appendCapped(points: CurvePoint[], point: CurvePoint, max = 400): CurvePoint[] {
  const next = [...points, point]
  if (next.length <= max) return next
  const merged: CurvePoint[] = []
  for (let i = 0; i + 1 < next.length; i += 2) {
    const a = next[i]!
    const b = next[i + 1]!
    merged.push({ step: b.step, value: (a.value + b.value) / 2 })
  }
  if (next.length % 2 === 1) merged.push(next[next.length - 1]!)
  return merged
}
