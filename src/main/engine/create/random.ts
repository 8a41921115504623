/**
 * Seeded randomness for generation: the same seed gives the same faces on every
 * machine (no Math.random), which is what lets a recipe be re-rendered.
 */
import { mulberry32 } from '../random'

/** Standard normal samples (Box-Muller over the seeded uniform source). */
export function normalSource(seed: number): () => number {
  const uniform = mulberry32(seed)
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
