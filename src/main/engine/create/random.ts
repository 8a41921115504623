/**
 * Seeded randomness for generation: the same seed gives the same faces on every
 * machine (no Math.random), which is what lets a recipe be re-rendered.
 */

/** mulberry32: a small, fast 32-bit generator; uniform in [0, 1). */
export function uniformSource(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Standard normal samples (Box-Muller over the seeded uniform source). */
export function normalSource(seed: number): () => number {
  const uniform = uniformSource(seed)
  let spare: number | null = null
  return () => {
    if (spare !== null) {
      const s = spare
      spare = null
      return s
    }
    let u = 0
    while (u === 0) u = uniform()
    const v = uniform()
    const r = Math.sqrt(-2 * Math.log(u))
    spare = r * Math.sin(2 * Math.PI * v)
    return r * Math.cos(2 * Math.PI * v)
  }
}

/** n codes from the prior N(0, temperature^2 I); n x dim, row-major. */
export function samplePrior(
  n: number,
  dim: number,
  temperature: number,
  seed: number,
): Float32Array {
  const normal = normalSource(seed)
  const out = new Float32Array(n * dim)
  for (let i = 0; i < out.length; i++) out[i] = normal() * temperature
  return out
}

/** "More like this": n codes z + spread * N(0, I) around `center`; n x dim. */
export function sampleNear(
  center: Float32Array,
  n: number,
  spread: number,
  seed: number,
): Float32Array {
  const normal = normalSource(seed)
  const dim = center.length
  const out = new Float32Array(n * dim)
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < dim; i++) out[k * dim + i] = center[i] + spread * normal()
  }
  return out
}
