import { mulberry32 } from '../random'

/** 0..n-1 in an order fixed by `seed` (Fisher-Yates). */
export function shuffledIndices(n: number, seed: number): Uint32Array {
  const order = new Uint32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  const random = mulberry32(seed)
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const t = order[i] as number
    order[i] = order[j] as number
    order[j] = t
  }
  return order
}

/** Mixes a run's seed with a counter (epoch, step) into a new 31-bit seed. */
export function deriveSeed(seed: number, counter: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(counter + 1, 0xc2b2ae35)) >>> 1
}
