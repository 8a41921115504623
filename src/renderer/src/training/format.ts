/** Pure helpers of the Training panel (tested without a DOM). */

/** "45 s", "12 min", "1.5 h"; a dash when unknown. */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '–'
  if (seconds < 90) return `${Math.max(0, Math.round(seconds))} s`
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`
  return `${(seconds / 3600).toFixed(1)} h`
}

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

/**
 * An SVG path of `points` in a width x height box: steps on x from first to last, values on y
 * (log scale when they span more than a decade, as losses do early on).
 */
export function curvePath(
  points: readonly CurvePoint[],
  width: number,
  height: number,
  range?: { min: number; max: number },
): string {
  const finite = points.filter((p) => Number.isFinite(p.value))
  if (finite.length < 2) return ''
  const first = finite[0]!.step
  const last = finite[finite.length - 1]!.step
  const lo = range?.min ?? Math.min(...finite.map((p) => p.value))
  const hi = range?.max ?? Math.max(...finite.map((p) => p.value))
  const log = lo > 0 && hi / lo > 10
  const f = (v: number) => (log ? Math.log(v) : v)
  const span = f(hi) - f(lo) || 1
  return finite
    .map((p, i) => {
      const x = last === first ? 0 : ((p.step - first) / (last - first)) * width
      const y = height - ((f(Math.min(hi, Math.max(lo, p.value))) - f(lo)) / span) * height
      return `${i === 0 ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)}`
    })
    .join(' ')
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
