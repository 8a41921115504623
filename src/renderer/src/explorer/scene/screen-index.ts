/**
 * Hover, box selection and "what is near the camera" without projecting every
 * point after each camera move. The points are bucketed once (per new
 * positions) into a 3D grid of cells; for a camera, only the grid's corners are
 * projected, which bounds where each cell's points can land on screen, and only
 * the points of the cells that matter are projected. A hover at 1,000,000
 * points projects a few thousand of them, not a million; a box that covers
 * whole cells takes their points without looking at each.
 */

/** A camera as plain numbers: column-major 4x4 view-projection and view matrices, canvas size in CSS px. */
export interface ScreenCamera {
  viewProjection: ArrayLike<number>
  view: ArrayLike<number>
  width: number
  height: number
}

/** Where one point lands: CSS px from the canvas's top-left, and its view-space distance. */
export interface ScreenPoint {
  x: number
  y: number
  depth: number
}

/** Cells per axis: about 32 points a cell, at most 64 per axis. */
export function gridSide(n: number): number {
  return Math.min(64, Math.max(1, Math.round(Math.cbrt(n / 32))))
}

export class ScreenIndex {
  private positions: Float32Array = new Float32Array(0)
  private n = 0
  private side = 1
  private min = [0, 0, 0]
  private step = [1, 1, 1]
  /** Points by cell: cell c holds cellPoints[cellStart[c] .. cellStart[c + 1]). */
  private cellStart = new Int32Array(1)
  private cellPoints = new Int32Array(0)
  private camera: ScreenCamera | null = null
  // The camera's numbers, copied out of `camera` for the per-point loops.
  private m = new Float64Array(16)
  private v = new Float64Array(16)
  private width = 1
  private height = 1
  /** Per cell for the current camera: screen bounds x0, y0, x1, y1 and the nearest depth (-Infinity if it reaches behind the camera). */
  private bounds = new Float32Array(0)
  private readonly at: ScreenPoint = { x: 0, y: 0, depth: 0 }

  /** Buckets n points (positions n x 3, kept, not copied) into the grid. */
  build(positions: Float32Array, n: number): void {
    this.positions = positions
    this.n = n
    const side = gridSide(n)
    const lo = [Infinity, Infinity, Infinity]
    const hi = [-Infinity, -Infinity, -Infinity]
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < 3; k++) {
        const v = positions[i * 3 + k]
        if (v < lo[k]) lo[k] = v
        if (v > hi[k]) hi[k] = v
      }
    }
    if (n === 0) {
      lo.fill(0)
      hi.fill(0)
    }
    this.side = side
    this.min = lo
    this.step = hi.map((h, k) => Math.max(1e-9, (h - lo[k]) / side))
    const cells = side * side * side
    const cellOf = new Int32Array(n)
    const counts = new Int32Array(cells + 1)
    for (let i = 0; i < n; i++) {
      const c = this.cellOf(i)
      cellOf[i] = c
      counts[c + 1]++
    }
    for (let c = 0; c < cells; c++) counts[c + 1] += counts[c]
    this.cellStart = counts
    this.cellPoints = new Int32Array(n)
    const fill = counts.slice(0, cells)
    for (let i = 0; i < n; i++) this.cellPoints[fill[cellOf[i]]++] = i
    this.bounds = new Float32Array(cells * 5)
    this.camera = null
  }

  /** Looks through `camera` from now on: projects the grid's corners and bounds each cell on screen. */
  view(camera: ScreenCamera): void {
    this.camera = camera
    this.m.set(Array.from(camera.viewProjection))
    this.v.set(Array.from(camera.view))
    this.width = camera.width
    this.height = camera.height
    const s = this.side
    const corners = (s + 1) ** 3
    const cx = new Float32Array(corners)
    const cy = new Float32Array(corners)
    const cd = new Float32Array(corners)
    let k = 0
    for (let a = 0; a <= s; a++) {
      for (let b = 0; b <= s; b++) {
        for (let c = 0; c <= s; c++, k++) {
          const inFront = this.projectXYZ(
            this.min[0] + c * this.step[0],
            this.min[1] + b * this.step[1],
            this.min[2] + a * this.step[2],
          )
          cx[k] = this.at.x
          cy[k] = this.at.y
          cd[k] = inFront ? this.at.depth : -Infinity
        }
      }
    }
    const bounds = this.bounds
    const row = s + 1
    const slab = row * row
    let cell = 0
    for (let a = 0; a < s; a++) {
      for (let b = 0; b < s; b++) {
        for (let c = 0; c < s; c++, cell++) {
          let x0 = Infinity
          let y0 = Infinity
          let x1 = -Infinity
          let y1 = -Infinity
          let near = Infinity
          for (let corner = 0; corner < 8; corner++) {
            const q =
              (a + (corner >> 2)) * slab + (b + ((corner >> 1) & 1)) * row + c + (corner & 1)
            if (cx[q] < x0) x0 = cx[q]
            if (cx[q] > x1) x1 = cx[q]
            if (cy[q] < y0) y0 = cy[q]
            if (cy[q] > y1) y1 = cy[q]
            if (cd[q] < near) near = cd[q]
          }
          // A cell reaching behind the camera can land anywhere: it is never skipped.
          const anywhere = near === -Infinity
          bounds[cell * 5] = anywhere ? -Infinity : x0
          bounds[cell * 5 + 1] = anywhere ? -Infinity : y0
          bounds[cell * 5 + 2] = anywhere ? Infinity : x1
          bounds[cell * 5 + 3] = anywhere ? Infinity : y1
          bounds[cell * 5 + 4] = near
        }
      }
    }
  }

  /** Where point i is drawn for the current camera, or null when behind it. */
  project(i: number): ScreenPoint | null {
    this.requireCamera()
    const p = this.positions
    return this.projectXYZ(p[i * 3], p[i * 3 + 1], p[i * 3 + 2]) ? { ...this.at } : null
  }

  /** The point drawn under (x, y) within `radius` px: nearest on screen, then nearest to the camera. */
  nearest(x: number, y: number, radius: number): number | null {
    let best: number | null = null
    let bestD = radius * radius
    let bestDepth = Infinity
    this.eachCell(x - radius, y - radius, x + radius, y + radius, (start, end) => {
      for (let k = start; k < end; k++) {
        const i = this.cellPoints[k]
        if (!this.onCanvas(i)) continue
        const d = (this.at.x - x) ** 2 + (this.at.y - y) ** 2
        if (d < bestD - 1e-6 || (Math.abs(d - bestD) <= 1e-6 && this.at.depth < bestDepth)) {
          best = i
          bestD = d
          bestDepth = this.at.depth
        }
      }
    })
    return best
  }

  /** Every point on screen inside the rectangle (CSS px, any corner order), ascending. */
  inRect(x0: number, y0: number, x1: number, y1: number): number[] {
    this.requireCamera()
    const left = Math.max(0, Math.min(x0, x1))
    const right = Math.max(x0, x1)
    const top = Math.max(0, Math.min(y0, y1))
    const bottom = Math.max(y0, y1)
    const inside = new Uint8Array(this.n)
    this.eachCell(left, top, right, bottom, (start, end, cell) => {
      const b = this.bounds
      const o = cell * 5
      const whole =
        b[o + 4] > 0 &&
        b[o] >= left &&
        b[o + 1] >= top &&
        b[o + 2] <= right &&
        b[o + 3] <= bottom &&
        b[o + 2] < this.width &&
        b[o + 3] < this.height
      for (let k = start; k < end; k++) {
        const i = this.cellPoints[k]
        if (whole) inside[i] = 1
        else if (this.onCanvas(i)) {
          const { x, y } = this.at
          if (x >= left && x <= right && y >= top && y <= bottom) inside[i] = 1
        }
      }
    })
    const out: number[] = []
    for (let i = 0; i < this.n; i++) if (inside[i]) out.push(i)
    return out
  }

  /** The points on the canvas nearer the camera than `maxDepth`, with their depths. */
  near(maxDepth: number): { index: number; depth: number }[] {
    const { width, height } = this.requireCamera()
    const out: { index: number; depth: number }[] = []
    this.eachCell(0, 0, width, height, (start, end, cell) => {
      if (this.bounds[cell * 5 + 4] >= maxDepth) return
      for (let k = start; k < end; k++) {
        const i = this.cellPoints[k]
        if (this.onCanvas(i) && this.at.depth < maxDepth)
          out.push({ index: i, depth: this.at.depth })
      }
    })
    return out
  }

  /**
   * How many points a cell of the screen's `tile` x `tile` px holds for the
   * current camera (cells counted where their centre lands), as a
   * cols x rows grid: a cheap estimate of how much the points overlap.
   */
  tileCounts(tile: number): { counts: Float32Array; cols: number; rows: number } {
    const { width, height } = this.requireCamera()
    const cols = Math.max(1, Math.ceil(width / tile))
    const rows = Math.max(1, Math.ceil(height / tile))
    const counts = new Float32Array(cols * rows)
    const cells = this.side ** 3
    for (let cell = 0; cell < cells; cell++) {
      const count = this.cellStart[cell + 1] - this.cellStart[cell]
      if (count === 0 || this.bounds[cell * 5 + 4] <= 0) continue
      const x = (this.bounds[cell * 5] + this.bounds[cell * 5 + 2]) / 2
      const y = (this.bounds[cell * 5 + 1] + this.bounds[cell * 5 + 3]) / 2
      if (x < 0 || y < 0 || x >= width || y >= height) continue
      counts[Math.floor(y / tile) * cols + Math.floor(x / tile)] += count
    }
    return { counts, cols, rows }
  }

  /** Calls `visit` with each non-empty cell whose screen bounds meet the rectangle. */
  private eachCell(
    x0: number,
    y0: number,
    x1: number,
    y1: number,
    visit: (start: number, end: number, cell: number) => void,
  ): void {
    this.requireCamera()
    const b = this.bounds
    const cells = this.side ** 3
    for (let cell = 0; cell < cells; cell++) {
      const start = this.cellStart[cell]
      const end = this.cellStart[cell + 1]
      if (start === end) continue
      const o = cell * 5
      if (b[o] > x1 || b[o + 2] < x0 || b[o + 1] > y1 || b[o + 3] < y0) continue
      visit(start, end, cell)
    }
  }

  private requireCamera(): ScreenCamera {
    if (!this.camera) throw new Error('ScreenIndex: view(camera) must come before a query')
    return this.camera
  }

  private cellOf(i: number): number {
    const s = this.side
    let cell = 0
    for (let k = 2; k >= 0; k--) {
      const c = Math.floor((this.positions[i * 3 + k] - this.min[k]) / this.step[k])
      cell = cell * s + Math.min(s - 1, Math.max(0, c))
    }
    return cell
  }

  /** Projects point i into `this.at`; false when it is behind the camera or off the canvas. */
  private onCanvas(i: number): boolean {
    if (!this.projectPoint(i)) return false
    return this.at.x >= 0 && this.at.y >= 0 && this.at.x < this.width && this.at.y < this.height
  }

  private projectPoint(i: number): boolean {
    const p = this.positions
    return this.projectXYZ(p[i * 3], p[i * 3 + 1], p[i * 3 + 2])
  }

  /** Projects a world point into `this.at`; false when it is behind the camera. */
  private projectXYZ(px: number, py: number, pz: number): boolean {
    const m = this.m
    const v = this.v
    const w = m[3] * px + m[7] * py + m[11] * pz + m[15]
    const depth = -(v[2] * px + v[6] * py + v[10] * pz + v[14])
    this.at.x = ((m[0] * px + m[4] * py + m[8] * pz + m[12]) / w + 1) * 0.5 * this.width
    this.at.y = (1 - (m[1] * px + m[5] * py + m[9] * pz + m[13]) / w) * 0.5 * this.height
    this.at.depth = depth
    return w > 1e-6 && depth > 0
  }
}
