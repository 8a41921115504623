import type { ProjectionSpec } from '@shared/contract'

/** A projection in words, also a stable key for comparing two specs. */
export function projectionLabel(spec: ProjectionSpec): string {
  if (spec.method === 'dims') return `latent dims ${(spec.dims ?? [0, 1, 2]).join(', ')}`
  if (spec.method === 'umap') return `UMAP (seed ${spec.seed ?? 1})`
  return 'PCA'
}
