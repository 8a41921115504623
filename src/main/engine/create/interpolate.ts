/**
 * Interpolation between latent codes: straight lines, great circles (slerp),
 * and eased paths through several waypoints. Pure functions on Float32Array.
 */
import type { Easing, Interpolation } from '@shared/contract'

/** (1 - t) a + t b. */
export function lerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  sameLength(a, b)
  const out = new Float32Array(a.length)
  for (let i = 0; i < a.length; i++) out[i] = a[i] + (b[i] - a[i]) * t
  return out
}

/**
 * Spherical interpolation: follows the great circle from a to b, with the norm
 * interpolated linearly. Under a Gaussian prior most codes lie near a shell of
 * radius ~sqrt(L), and a straight line cuts through the low-norm middle where
 * the decoder saw no faces; slerp stays on the shell. Between unit vectors it
 * stays at unit norm. Falls back to lerp for (anti)parallel or zero vectors.
 */
export function slerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  sameLength(a, b)
  const na = norm(a)
  const nb = norm(b)
  if (na === 0 || nb === 0) return lerp(a, b, t)
  let cos = dot(a, b) / (na * nb)
  cos = Math.min(1, Math.max(-1, cos))
  const omega = Math.acos(cos)
  const sin = Math.sin(omega)
  if (sin < 1e-6) return lerp(a, b, t)
  const wa = Math.sin((1 - t) * omega) / sin
  const wb = Math.sin(t * omega) / sin
  // Directions along the great circle of the unit sphere, scaled by the interpolated norm.
  const r = na + (nb - na) * t
  const out = new Float32Array(a.length)
  for (let i = 0; i < a.length; i++) out[i] = r * (wa * (a[i] / na) + wb * (b[i] / nb))
  return out
}

/** Maps t in 0..1 to eased time in 0..1 (both ends fixed). */
export function ease(t: number, easing: Easing): number {
  switch (easing) {
    case 'linear':
      return t
    case 'ease-in':
      return t * t * t
    case 'ease-out':
      return 1 - (1 - t) ** 3
    case 'ease-in-out':
      return t < 0.5 ? 4 * t * t * t : 1 - (-2 * t + 2) ** 3 / 2
  }
}

/**
 * The point at `t` (0..1) of a path through `waypoints`: each leg takes the same
 * share of t, and easing applies within each leg, so the path slows at every
 * waypoint (the faces the artist chose) and moves briskly between them.
 */
export function pathPoint(
  waypoints: Float32Array[],
  t: number,
  interpolation: Interpolation,
  easing: Easing = 'linear',
): Float32Array {
  if (waypoints.length < 2) throw new RangeError('a path needs at least two waypoints')
  const legs = waypoints.length - 1
  const x = Math.min(1, Math.max(0, t)) * legs
  const leg = Math.min(legs - 1, Math.floor(x))
  const local = ease(x - leg, easing)
  const f = interpolation === 'slerp' ? slerp : lerp
  return f(waypoints[leg], waypoints[leg + 1], local)
}

/** `frames` evenly spaced points of the path, both ends included; frames x L, row-major. */
export function pathFrames(
  waypoints: Float32Array[],
  frames: number,
  interpolation: Interpolation,
  easing: Easing = 'linear',
): Float32Array {
  const dim = waypoints[0].length
  const out = new Float32Array(frames * dim)
  for (let f = 0; f < frames; f++) {
    const t = frames === 1 ? 0 : f / (frames - 1)
    out.set(pathPoint(waypoints, t, interpolation, easing), f * dim)
  }
  return out
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i] * b[i]
  return s
}

export function norm(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a))
}

function sameLength(a: Float32Array, b: Float32Array): void {
  if (a.length !== b.length) {
    throw new RangeError(`latent codes differ in length (${a.length} and ${b.length})`)
  }
}
