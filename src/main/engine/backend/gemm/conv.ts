import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import type { GemmRuntime } from './runtime'
import { FilterCache } from '../filter-cache'
import { Scratch } from './scratch'
import { FGEMM_ROWS, IGEMM_ROWS, PANEL } from './wat'

type Conv2DInfo = backend_util.Conv2DInfo

/** Byte offsets of a convolution's input rows, relative to its tensor; -1 where padding reads zeros. */
type OffsetTable = Int32Array

/** The index tables kept at most (the benchmark at 64 px takes 9 MB, the default model at 128 px 37). */
const MAX_TABLE_BYTES = 128 << 20

const ceilTo = (n: number, multiple: number): number => Math.ceil(n / multiple) * multiple

/** An index table copied into the wasm heap once: `length` int32 offsets at `pointer`. */
interface HeapTable {
  pointer: number
  length: number
}

/**
 * The three convolutions of training (forward, input gradient, filter gradient), and the dense
 * layers' products, as the matrix kernels of ./wat.ts, for NHWC tensors of tfjs's wasm backend
 * with dilation 1:
 *
 * - forward: one `igemm` whose rows are the output pixels and whose taps point at the input
 *   pixels each filter tap reads (the im2col rows, never built);
 * - input gradient (the transposed convolution): one `igemm` per stride phase of the output,
 *   over the taps of the filter that reach that phase (no zero-stuffing);
 * - filter gradient: one `fgemm` summing input rows times `dy` rows over every output pixel.
 *
 * Index tables hold offsets relative to a tensor and depend only on the geometry: each is made
 * once and kept in tfjs's wasm heap, and the kernels add the tensor's address. Filters are
 * packed by the kernels too; scratch buffers (packed filters, zeros, copies) live in that heap.
 */
export class GemmConv {
  private readonly tables = new Map<string, HeapTable>()
  private readonly phaseCache = new Map<string, Phase[]>()
  private tableBytes = 0

  private readonly scratch: Scratch
  /** Packed filters kept for the ones packed the same way more than once (decoding). */
  private readonly packed: FilterCache<number>

  constructor(
    private readonly runtime: GemmRuntime,
    private readonly backend: BackendWasm,
  ) {
    this.scratch = new Scratch(runtime.heap)
    this.packed = new FilterCache(
      (dataId) => backend.dataIdMap.has(dataId),
      (pointer) => runtime.heap.free(pointer),
    )
  }

  /** Whether these kernels handle this geometry (else the caller uses XNNPACK's way). */
  static supports(info: Conv2DInfo): boolean {
    return (
      info.dataFormat === 'channelsLast' &&
      info.dilationHeight === 1 &&
      info.dilationWidth === 1 &&
      info.batchSize * info.outHeight * info.outWidth * info.inChannels * info.outChannels > 0
    )
  }

  /** y = conv2d(x, filter) (filter [fh, fw, inChannels, outChannels]). */
  conv2d(x: TensorInfo, filter: TensorInfo, info: Conv2DInfo): TensorInfo {
    this.boundTables()
    const { batchSize, outHeight, outWidth, outChannels } = info
    const y = this.backend.makeOutput([batchSize, outHeight, outWidth, outChannels], 'float32')
    const rows = batchSize * outHeight * outWidth
    const input = this.inputRows(x, info, 0)
    const packed = this.packRows(filter, input.taps * input.depth, outChannels)
    const outs = this.table(`rows ${rows} x ${outChannels}`, IGEMM_ROWS, () =>
      Int32Array.from({ length: rows }, (_, m) => m * outChannels * 4),
    )
    this.igemm({ ...input, rows, cols: outChannels, outs, outBase: this.address(y), packed })
    return y
  }

  /** dx of y = conv2d(x, filter): the transposed convolution of dy. */
  conv2dBackpropInput(dy: TensorInfo, filter: TensorInfo, info: Conv2DInfo): TensorInfo {
    this.boundTables()
    const { batchSize, inHeight, inWidth, inChannels, outChannels } = info
    const dx = this.backend.makeOutput([batchSize, inHeight, inWidth, inChannels], 'float32')
    const phases = this.phases(info)
    if (phases.some((phase) => phase.taps.length === 0)) {
      this.runtime.fill(this.address(dx), batchSize * inHeight * inWidth * inChannels * 4)
    }
    for (const phase of phases) {
      if (phase.taps.length === 0 || phase.rows === 0) continue
      this.igemm({
        rows: phase.rows,
        taps: phase.taps.length,
        depth: outChannels,
        cols: inChannels,
        table: phase.inOffsets,
        base: this.address(dy),
        outs: phase.outOffsets,
        outBase: this.address(dx),
        packed: this.packTransposed(filter, phase, inChannels, outChannels),
      })
    }
    return dx
  }

  /** dW of y = conv2d(x, filter), shaped like the filter. */
  conv2dBackpropFilter(x: TensorInfo, dy: TensorInfo, info: Conv2DInfo): TensorInfo {
    this.boundTables()
    const { batchSize, outHeight, outWidth, inChannels, outChannels } = info
    const { filterHeight, filterWidth } = info
    const dw = this.backend.makeOutput(
      [filterHeight, filterWidth, inChannels, outChannels],
      'float32',
    )
    const count = batchSize * outHeight * outWidth
    // fgemm reads each input row rounded up to its block of rows: the input gets room after it.
    const { table, base, taps, depth } = this.inputRows(x, info, FGEMM_ROWS)
    const dyStride = ceilTo(outChannels, PANEL)
    const dyBase =
      dyStride === outChannels
        ? this.address(dy)
        : this.copyRowsPadded(dy, count, outChannels, dyStride)
    const tiles = taps * Math.ceil(depth / FGEMM_ROWS) * Math.ceil(outChannels / PANEL)
    const partial = this.scratch.get('partial', tiles * FGEMM_ROWS * PANEL * 4)
    // Each thread takes a run of tiles at a time and passes over the points once for all of them.
    const chunk = this.runtime.chunkFor(
      tiles,
      { multiplyAdds: count * taps * depth * outChannels },
      Math.max(1, Math.ceil(tiles / (this.runtime.threads * 4))),
    )
    const ind = this.scratch.get('resolved', table.length * 4)
    const zero = this.zeros(depth + FGEMM_ROWS)
    const entries = table.length
    const resolveChunk = this.runtime.chunkFor(entries, { floats: entries }, 1 << 14)
    this.runtime.run('resolveTable', entries, resolveChunk, [ind, table.pointer, base, zero])
    this.runtime.run('fgemm', tiles, chunk, [
      ...[ind, dyBase, this.address(dw), partial, count],
      ...[taps, depth, outChannels, dyStride],
    ])
    return dw
  }

  /**
   * a [1, m, k] times b [1, k, n] (or b [1, n, k] transposed): a convolution with one tap, the
   * rows of `a` its pixels.
   */
  matMul(a: TensorInfo, b: TensorInfo, transposeB: boolean): TensorInfo {
    this.boundTables()
    const [, m, k] = a.shape as [number, number, number]
    const n = b.shape[transposeB ? 1 : 2] as number
    const y = this.backend.makeOutput([1, m, n], 'float32')
    const rowsOf = (count: number, width: number): HeapTable =>
      this.table(`rows ${count} x ${width}`, IGEMM_ROWS, () =>
        Int32Array.from({ length: count }, (_, i) => i * width * 4),
      )
    // B[k][n] = b[n][k] is the one-tap case of a transposed convolution's packing.
    const oneTap = { taps: [0], tapList: this.table('one tap', 1, () => Int32Array.of(0)) }
    this.igemm({
      ...{ rows: m, taps: 1, depth: k, cols: n, table: rowsOf(m, k), base: this.address(a) },
      ...{ outs: rowsOf(m, n), outBase: this.address(y) },
      packed: transposeB ? this.packTransposed(b, oneTap, n, k) : this.packRows(b, k, n),
    })
    return y
  }

  /** Frees the scratch buffers and tables. */
  dispose(): void {
    this.scratch.dispose()
    this.packed.clear()
    this.dropTables()
  }

  private dropTables(): void {
    for (const { pointer } of this.tables.values()) this.runtime.heap.free(pointer)
    this.tables.clear()
    this.phaseCache.clear()
    this.tableBytes = 0
  }

  /**
   * Called as each convolution starts (never during one, whose tables are in use): the tables of
   * every geometry met so far (batch sizes, image sizes) are dropped once they pass a bound.
   */
  private boundTables(): void {
    if (this.tableBytes > MAX_TABLE_BYTES) this.dropTables()
  }

  /** Runs `igemm` over `rows` rows (tables padded to whole blocks), split by blocks. */
  private igemm(g: {
    rows: number
    taps: number
    depth: number
    cols: number
    table: HeapTable
    base: number
    outs: HeapTable
    outBase: number
    packed: number
  }): void {
    const blocks = Math.ceil(g.rows / IGEMM_ROWS)
    const chunk = this.runtime.chunkFor(
      blocks,
      { multiplyAdds: g.rows * g.taps * g.depth * g.cols },
      Math.max(1, Math.floor(blocks / (this.runtime.threads * 16))),
    )
    const spare = this.scratch.get('spare', ceilTo(g.cols, PANEL) * 4) // rows past the end land here
    this.runtime.run('igemm', blocks, chunk, [
      ...[g.table.pointer, g.base, this.zeros(g.depth), g.outs.pointer, g.outBase, spare],
      ...[g.packed, g.cols, g.taps, g.depth],
    ])
  }

  /**
   * The rows a convolution's taps read from its input: `taps` offsets per output pixel (from
   * `base`) of `depth` floats each. With many channels, one tap per filter position straight into
   * x (padding reads zeros); with few (the image layer's 3), x is copied into a zero-padded frame
   * (with `slack` floats after it) so that a tap reads a whole filter row, filterWidth *
   * inChannels floats, and the kernel's inner loop is that much longer.
   */
  private inputRows(
    x: TensorInfo,
    info: Conv2DInfo,
    slack: number,
  ): { table: HeapTable; base: number; taps: number; depth: number } {
    const { inChannels, filterHeight, filterWidth } = info
    const whole = IGEMM_ROWS * filterHeight * filterWidth
    if (inChannels >= PANEL) {
      const table = this.table(`taps ${key(info)}`, whole, () => forwardOffsets(info))
      const base =
        slack === 0 || inChannels % slack === 0 ? this.address(x) : this.copyWithSlack(x, slack)
      return { table, base, taps: filterHeight * filterWidth, depth: inChannels }
    }
    const table = this.table(`rows ${key(info)}`, IGEMM_ROWS * filterHeight, () =>
      paddedRowOffsets(info),
    )
    const base = this.copyPadded(x, info, slack)
    return { table, base, taps: filterHeight, depth: filterWidth * inChannels }
  }

  /** The output phases of a transposed convolution, with their taps and tables (kept). */
  private phases(info: Conv2DInfo): Phase[] {
    const cacheKey = key(info)
    let phases = this.phaseCache.get(cacheKey)
    if (phases === undefined) {
      phases = transposedPhases(info).map((phase, i) => {
        const name = `phase ${i} ${cacheKey}`
        const whole = IGEMM_ROWS * phase.taps.length
        return {
          taps: phase.taps,
          rows: phase.rows,
          tapList: this.table(`${name} taps`, 1, () => Int32Array.from(phase.taps)),
          inOffsets: this.table(`${name} in`, Math.max(whole, 1), () => phase.inOffsets),
          outOffsets: this.table(`${name} out`, IGEMM_ROWS, () => phase.outOffsets),
        }
      })
      this.phaseCache.set(cacheKey, phases)
    }
    return phases
  }

  /** The table `cacheKey` in the heap, made by `make` the first time, padded with -1 to a multiple of `multiple`. */
  private table(cacheKey: string, multiple: number, make: () => Int32Array): HeapTable {
    let table = this.tables.get(cacheKey)
    if (table === undefined) {
      const offsets = make()
      const length = ceilTo(Math.max(offsets.length, 1), multiple)
      const pointer = this.runtime.heap.malloc(length * 4)
      if (pointer === 0) throw new Error(`The wasm heap has no room for the table ${cacheKey}.`)
      const view = new Int32Array(this.runtime.heap.memory.buffer, pointer, length)
      view.set(offsets)
      view.fill(-1, offsets.length)
      table = { pointer, length }
      this.tables.set(cacheKey, table)
      this.tableBytes += length * 4
    }
    return table
  }

  private address(info: TensorInfo): number {
    return this.backend.getMemoryOffset(info.dataId)
  }

  /** A zeroed buffer of at least `floats` floats (what padding taps read). */
  private zeros(floats: number): number {
    return this.scratch.get('zeros', ceilTo(floats, PANEL) * 4, (pointer, bytes) =>
      this.runtime.fill(pointer, bytes),
    )
  }

  /** The filter [taps * inChannels, outChannels] packed as a forward convolution's B. */
  private packRows(filter: TensorInfo, rows: number, cols: number): number {
    const panels = Math.ceil(cols / PANEL)
    const chunk = this.runtime.chunkFor(panels, { floats: rows * cols }, 1)
    return this.packedFilter(filter, `rows ${rows} ${cols}`, panels * rows * PANEL * 4, (pointer) =>
      this.runtime.run('packRows', panels, chunk, [pointer, this.address(filter), rows, cols]),
    )
  }

  /** The filter packed as the B of one phase of a transposed convolution (see `packTransposed`). */
  private packTransposed(
    filter: TensorInfo,
    phase: Pick<Phase, 'taps' | 'tapList'>,
    inChannels: number,
    outChannels: number,
  ): number {
    const panels = Math.ceil(inChannels / PANEL)
    const taps = phase.taps.length
    const bytes = panels * taps * outChannels * PANEL * 4
    const chunk = this.runtime.chunkFor(panels, { floats: taps * inChannels * outChannels }, 1)
    const variant = `transposed ${phase.taps.join(',')} ${inChannels} ${outChannels}`
    return this.packedFilter(filter, variant, bytes, (pointer) =>
      this.runtime.run('packTransposed', panels, chunk, [
        ...[pointer, this.address(filter), phase.tapList.pointer, taps],
        ...[inChannels, outChannels],
      ]),
    )
  }

  /**
   * `filter` packed by `pack` the way `variant` names, `bytes` long: into scratch the first time,
   * into a kept buffer the second, from that buffer afterwards.
   */
  private packedFilter(
    filter: TensorInfo,
    variant: string,
    bytes: number,
    pack: (pointer: number) => void,
  ): number {
    const floats = filter.shape.reduce((a, b) => a * b, 1)
    const values = new Float32Array(this.runtime.heap.memory.buffer, this.address(filter), floats)
    return this.packed.get({ dataId: filter.dataId, values }, variant, (keep) => {
      const pointer = keep ? this.runtime.heap.malloc(bytes) : this.scratch.get('packed', bytes)
      if (pointer === 0) throw new Error(`The wasm heap has no room for a ${bytes}-byte filter.`)
      pack(pointer)
      return pointer
    })
  }

  /** A copy of `info` with `slack` zero floats after it; returns its address. */
  private copyWithSlack(info: TensorInfo, slack: number): number {
    const bytes = info.shape.reduce((a, b) => a * b, 1) * 4
    const pointer = this.scratch.get('input', bytes + slack * 4)
    this.runtime.copy(pointer, this.address(info), bytes)
    this.runtime.fill(pointer + bytes, slack * 4)
    return pointer
  }

  /**
   * x copied into the zero-padded frame that `paddedRowOffsets` indexes, [N, frame height,
   * frame width, C], with `slack` zero floats after it; returns its address.
   */
  private copyPadded(x: TensorInfo, info: Conv2DInfo, slack: number): number {
    const { batchSize, inHeight, inWidth, inChannels } = info
    const { height, width, top, left } = paddedFrame(info)
    const bytes = batchSize * height * width * inChannels * 4
    const pointer = this.scratch.get('input', bytes + slack * 4)
    this.runtime.fill(pointer, bytes + slack * 4)
    // The columns of x that fall inside the frame (a 'valid' convolution may not read them all).
    const firstX = Math.max(0, -left)
    const lastX = Math.min(inWidth, width - left)
    if (lastX <= firstX) return pointer
    const from = this.address(x)
    const rowBytes = (lastX - firstX) * inChannels * 4
    for (let n = 0; n < batchSize; n++) {
      for (let y = Math.max(0, -top); y < Math.min(inHeight, height - top); y++) {
        const source = from + ((n * inHeight + y) * inWidth + firstX) * inChannels * 4
        const target = pointer + ((n * height + y + top) * width + firstX + left) * inChannels * 4
        this.runtime.copy(target, source, rowBytes)
      }
    }
    return pointer
  }

  /** dy's `rows x cols` floats copied with rows `stride` floats apart, zero between; its address. */
  private copyRowsPadded(dy: TensorInfo, rows: number, cols: number, stride: number): number {
    const pointer = this.scratch.get('dy', rows * stride * 4)
    this.runtime.fill(pointer, rows * stride * 4)
    const from = this.address(dy)
    for (let r = 0; r < rows; r++) {
      this.runtime.copy(pointer + r * stride * 4, from + r * cols * 4, cols * 4)
    }
    return pointer
  }
}

/** One stride phase of a transposed convolution's output, its tables in the heap. */
interface Phase {
  /** Filter taps (ky * filterWidth + kx) that reach this phase. */
  taps: number[]
  /** Output pixels in this phase. */
  rows: number
  /** `taps`, for `packTransposed`. */
  tapList: HeapTable
  /** [rows][taps]: byte offsets into dy, -1 outside it. */
  inOffsets: HeapTable
  /** [rows]: byte offsets into dx. */
  outOffsets: HeapTable
}

/** A phase as `transposedPhases` works it out, its tables still in JS. */
interface PhaseOffsets {
  taps: number[]
  rows: number
  inOffsets: OffsetTable
  outOffsets: OffsetTable
}

function key(info: Conv2DInfo): string {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info
  const { filterHeight, filterWidth, strideHeight, strideWidth, padInfo } = info
  return [
    ...[batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels],
    ...[filterHeight, filterWidth, strideHeight, strideWidth, padInfo.top, padInfo.left],
  ].join(',')
}

/** [outputPixel][tap]: byte offset of the input pixel the tap reads, -1 in the padding. */
function forwardOffsets(info: Conv2DInfo): OffsetTable {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth } = info
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info
  const { top, left } = info.padInfo
  const taps = filterHeight * filterWidth
  const table = new Int32Array(batchSize * outHeight * outWidth * taps)
  let i = 0
  for (let n = 0; n < batchSize; n++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        for (let ky = 0; ky < filterHeight; ky++) {
          const y = oy * strideHeight - top + ky
          for (let kx = 0; kx < filterWidth; kx++) {
            const x = ox * strideWidth - left + kx
            const inside = y >= 0 && y < inHeight && x >= 0 && x < inWidth
            table[i++] = inside ? ((n * inHeight + y) * inWidth + x) * inChannels * 4 : -1
          }
        }
      }
    }
  }
  return table
}

/** The zero-padded frame a convolution reads: every tap lands inside it. */
function paddedFrame(info: Conv2DInfo): {
  height: number
  width: number
  top: number
  left: number
} {
  const { outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth } = info
  return {
    height: (outHeight - 1) * strideHeight + filterHeight,
    width: (outWidth - 1) * strideWidth + filterWidth,
    top: info.padInfo.top,
    left: info.padInfo.left,
  }
}

/** [outputPixel][filterRow]: byte offset, in the padded frame, of the filter row's first pixel. */
function paddedRowOffsets(info: Conv2DInfo): OffsetTable {
  const { batchSize, inChannels, outHeight, outWidth, filterHeight } = info
  const { strideHeight, strideWidth } = info
  const { height, width } = paddedFrame(info)
  const table = new Int32Array(batchSize * outHeight * outWidth * filterHeight)
  let i = 0
  for (let n = 0; n < batchSize; n++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        for (let ky = 0; ky < filterHeight; ky++) {
          const y = oy * strideHeight + ky
          table[i++] = ((n * height + y) * width + ox * strideWidth) * inChannels * 4
        }
      }
    }
  }
  return table
}

/**
 * dx[y][x] = sum over taps (ky, kx) with y + top - ky = oy * strideHeight (likewise x) of
 * dy[oy][ox] . W[ky][kx]: the taps that reach a pixel depend only on (y mod s, x mod s).
 */
function transposedPhases(info: Conv2DInfo): PhaseOffsets[] {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info
  const { filterHeight, filterWidth, strideHeight: sh, strideWidth: sw } = info
  const { top, left } = info.padInfo
  const mod = (a: number, m: number): number => ((a % m) + m) % m
  const phases: PhaseOffsets[] = []
  for (let py = 0; py < sh; py++) {
    for (let px = 0; px < sw; px++) {
      const taps: number[] = []
      for (let ky = 0; ky < filterHeight; ky++) {
        if (mod(py + top - ky, sh) !== 0) continue
        for (let kx = 0; kx < filterWidth; kx++) {
          if (mod(px + left - kx, sw) === 0) taps.push(ky * filterWidth + kx)
        }
      }
      const ys = Math.max(0, Math.ceil((inHeight - py) / sh))
      const xs = Math.max(0, Math.ceil((inWidth - px) / sw))
      const rows = batchSize * ys * xs
      const inOffsets = new Int32Array(rows * taps.length)
      const outOffsets = new Int32Array(rows)
      let i = 0
      let m = 0
      for (let n = 0; n < batchSize; n++) {
        for (let y = py; y < inHeight; y += sh) {
          for (let x = px; x < inWidth; x += sw) {
            outOffsets[m++] = ((n * inHeight + y) * inWidth + x) * inChannels * 4
            for (const t of taps) {
              const oy = (y + top - Math.floor(t / filterWidth)) / sh
              const ox = (x + left - (t % filterWidth)) / sw
              const inside = oy >= 0 && oy < outHeight && ox >= 0 && ox < outWidth
              inOffsets[i++] = inside
                ? ((n * outHeight + oy) * outWidth + ox) * outChannels * 4
                : -1
            }
          }
        }
      }
      phases.push({ taps, rows, inOffsets, outOffsets })
    }
  }
  return phases
}
