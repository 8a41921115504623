/**
 * Principal component analysis to 3D, exact: the covariance of the latents
 * (L x L, accumulated in float64) is diagonalised with cyclic Jacobi rotations,
 * so the top components are the true eigenvectors, not an iterative estimate.
 */

/** What `pca` found: the projection and the components that made it. */
export interface PcaResult {
  /** n x 3, row-major: each point's coordinates on the top three components. */
  positions: Float32Array
  /** 3 x dim, row-major: the unit components, largest variance first. */
  components: Float64Array
  /** The variance along each component (eigenvalues of the covariance, divisor n). */
  variances: [number, number, number]
  /** Sum of all eigenvalues: variances / totalVariance is the share each explains. */
  totalVariance: number
  mean: Float64Array
}

/**
 * Projects `n` points of `dim` dimensions (row-major) onto their top three
 * principal components. Deterministic: each component's sign is fixed so its
 * largest-magnitude entry is positive. With dim < 3 the missing axes are 0.
 */
export function pca(data: Float32Array, n: number, dim: number): PcaResult {
  if (data.length !== n * dim) {
    throw new RangeError(`pca: ${n} x ${dim} points need ${n * dim} values, got ${data.length}`)
  }
  const mean = new Float64Array(dim)
  for (let i = 0; i < n; i++) {
    const row = i * dim
    for (let d = 0; d < dim; d++) mean[d] += data[row + d]
  }
  for (let d = 0; d < dim; d++) mean[d] /= Math.max(1, n)

  const cov = covariance(data, n, dim, mean)
  const { values, vectors } = symmetricEigen(cov, dim)
  const order = [...values.keys()].sort((a, b) => values[b] - values[a])

  const components = new Float64Array(3 * dim)
  const variances: [number, number, number] = [0, 0, 0]
  for (let c = 0; c < Math.min(3, dim); c++) {
    const col = order[c]
    let largest = 0
    for (let d = 0; d < dim; d++) {
      const v = vectors[d * dim + col]
      if (Math.abs(v) > Math.abs(largest)) largest = v
    }
    const sign = largest < 0 ? -1 : 1
    for (let d = 0; d < dim; d++) components[c * dim + d] = sign * vectors[d * dim + col]
    variances[c] = Math.max(0, values[col])
  }
  const totalVariance = values.reduce((sum, v) => sum + Math.max(0, v), 0)

  const positions = new Float32Array(n * 3)
  for (let i = 0; i < n; i++) {
    const row = i * dim
    for (let c = 0; c < 3; c++) {
      let s = 0
      const comp = c * dim
      for (let d = 0; d < dim; d++) s += (data[row + d] - mean[d]) * components[comp + d]
      positions[i * 3 + c] = s
    }
  }
  return { positions, components, variances, totalVariance, mean }
}

/** The covariance matrix (divisor n), dim x dim row-major, in float64. */
export function covariance(
  data: Float32Array,
  n: number,
  dim: number,
  mean: Float64Array,
): Float64Array {
  const cov = new Float64Array(dim * dim)
  const centred = new Float64Array(dim)
  for (let i = 0; i < n; i++) {
    const row = i * dim
    for (let d = 0; d < dim; d++) centred[d] = data[row + d] - mean[d]
    for (let a = 0; a < dim; a++) {
      const x = centred[a]
      if (x === 0) continue
      const out = a * dim
      for (let b = a; b < dim; b++) cov[out + b] += x * centred[b]
    }
  }
  const scale = 1 / Math.max(1, n)
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      const v = cov[a * dim + b] * scale
      cov[a * dim + b] = v
      cov[b * dim + a] = v
    }
  }
  return cov
}

/**
 * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations.
 * Returns the eigenvalues and the eigenvectors as the columns of `vectors`
 * (row-major dim x dim). Accurate to rounding for the small matrices (L <= ~512) used here.
 */
export function symmetricEigen(
  matrix: Float64Array,
  dim: number,
): { values: number[]; vectors: Float64Array } {
  const a = Float64Array.from(matrix)
  const v = new Float64Array(dim * dim)
  for (let i = 0; i < dim; i++) v[i * dim + i] = 1
  let scale = 0
  for (let i = 0; i < dim * dim; i++) scale = Math.max(scale, Math.abs(a[i]))
  const tiny = (scale || 1) * 1e-15

  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0
    for (let p = 0; p < dim; p++) for (let q = p + 1; q < dim; q++) off += a[p * dim + q] ** 2
    if (Math.sqrt(off) <= tiny) break
    for (let p = 0; p < dim - 1; p++) {
      for (let q = p + 1; q < dim; q++) {
        const apq = a[p * dim + q]
        if (Math.abs(apq) <= tiny * 1e-3) continue
        const app = a[p * dim + p]
        const aqq = a[q * dim + q]
        const theta = (aqq - app) / (2 * apq)
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        const c = 1 / Math.sqrt(t * t + 1)
        const s = t * c
        for (let k = 0; k < dim; k++) {
          const akp = a[k * dim + p]
          const akq = a[k * dim + q]
          a[k * dim + p] = c * akp - s * akq
          a[k * dim + q] = s * akp + c * akq
        }
        for (let k = 0; k < dim; k++) {
          const apk = a[p * dim + k]
          const aqk = a[q * dim + k]
          a[p * dim + k] = c * apk - s * aqk
          a[q * dim + k] = s * apk + c * aqk
        }
        for (let k = 0; k < dim; k++) {
          const vkp = v[k * dim + p]
          const vkq = v[k * dim + q]
          v[k * dim + p] = c * vkp - s * vkq
          v[k * dim + q] = s * vkp + c * vkq
        }
      }
    }
  }
  const values: number[] = []
  for (let i = 0; i < dim; i++) values.push(a[i * dim + i])
  return { values, vectors: v }
}
