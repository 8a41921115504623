import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import type { GemmRuntime } from './runtime'
import { FGEMM_ROWS, IGEMM_ROWS, PANEL } from './wat'

type Conv2DInfo = backend_util.Conv2DInfo

/** Byte offsets of a convolution's input rows, relative to its tensor; -1 where padding reads zeros. */
type OffsetTable = Int32Array

const ceilTo = (n: number, multiple: number): number => Math.ceil(n / multiple) * multiple

/**
 * The three convolutions of training (forward, input gradient, filter gradient) as the matrix
 * kernels of ./wat.ts, for NHWC tensors of tfjs's wasm backend with dilation 1:
 *
 * - forward: one `igemm` whose rows are the output pixels and whose taps point at the input
 *   pixels each filter tap reads (the im2col rows, never built);
 * - input gradient (the transposed convolution): one `igemm` per stride phase of the output,
 *   over the taps of the filter that reach that phase (no zero-stuffing);
 * - filter gradient: one `fgemm` summing input rows times `dy` rows over every output pixel.
 *
 * Index tables depend only on the geometry and are kept; each call only adds its tensors'
 * addresses. Scratch buffers (tables, packed filters, zeros) live in tfjs's wasm heap.
 */
export class GemmConv {
  private readonly scratch = new Map<string, { pointer: number; bytes: number }>()
  private readonly tables = new Map<string, OffsetTable>()

  constructor(
    readonly runtime: GemmRuntime,
    private readonly backend: BackendWasm,
  ) {}

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
    const { batchSize, outHeight, outWidth, outChannels } = info
    const y = this.backend.makeOutput([batchSize, outHeight, outWidth, outChannels], 'float32')
    const rows = batchSize * outHeight * outWidth
    const input = this.inputRows(x, info, 0)
    const packed = this.packRows(filter, input.taps * input.depth, outChannels)
    const outRows = this.rowAddresses(y, rows, outChannels)
    const zero = this.zeros(input.depth)
    const ind = this.resolve('ind', input.table, input.base, zero, IGEMM_ROWS * input.taps, zero)
    this.igemm(rows, input.taps, input.depth, outChannels, ind, outRows, packed)
    return y
  }

  /** dx of y = conv2d(x, filter): the transposed convolution of dy. */
  conv2dBackpropInput(dy: TensorInfo, filter: TensorInfo, info: Conv2DInfo): TensorInfo {
    const { batchSize, inHeight, inWidth, inChannels, outChannels } = info
    const dx = this.backend.makeOutput([batchSize, inHeight, inWidth, inChannels], 'float32')
    const phases = this.phases(info)
    if (phases.some((phase) => phase.taps.length === 0)) this.fillZero(dx)
    const dxBase = this.address(dx)
    const dyBase = this.address(dy)
    for (const phase of phases) {
      if (phase.taps.length === 0 || phase.rows === 0) continue
      const taps = phase.taps
      const packed = this.packTransposed(filter, taps, inChannels, outChannels)
      const outRows = this.resolve(
        'out',
        phase.outOffsets,
        dxBase,
        0,
        IGEMM_ROWS,
        this.spareRow(inChannels),
      )
      const zero = this.zeros(outChannels)
      const ind = this.resolve('ind', phase.inOffsets, dyBase, zero, IGEMM_ROWS * taps.length, zero)
      this.igemm(phase.rows, taps.length, outChannels, inChannels, ind, outRows, packed)
    }
    return dx
  }

  /** dW of y = conv2d(x, filter), shaped like the filter. */
  conv2dBackpropFilter(x: TensorInfo, dy: TensorInfo, info: Conv2DInfo): TensorInfo {
    const { batchSize, outHeight, outWidth, inChannels, outChannels, filterHeight, filterWidth } =
      info
    const dw = this.backend.makeOutput(
      [filterHeight, filterWidth, inChannels, outChannels],
      'float32',
    )
    const count = batchSize * outHeight * outWidth
    // fgemm reads each input row rounded up to its block of rows: the input gets room after it.
    const input = this.inputRows(x, info, FGEMM_ROWS)
    const dyStride = ceilTo(outChannels, PANEL)
    const dyBase =
      dyStride === outChannels
        ? this.address(dy)
        : this.copyRowsPadded('dy', dy, count, outChannels, dyStride)
    const zero = this.zeros(input.depth + FGEMM_ROWS)
    const ind = this.resolve('ind', input.table, input.base, zero, 1, 0)
    const { taps, depth } = input
    const tiles = taps * Math.ceil(depth / FGEMM_ROWS) * Math.ceil(outChannels / PANEL)
    const partial = this.buffer('partial', tiles * FGEMM_ROWS * PANEL * 4)
    // Each thread takes a run of tiles at a time and passes over the points once for all of them.
    const chunk = Math.max(1, Math.ceil(tiles / (this.runtime.threads * 4)))
    this.runtime.run('fgemm', tiles, chunk, [
      ind,
      dyBase,
      this.address(dw),
      partial,
      count,
      taps,
      depth,
      outChannels,
      dyStride,
    ])
    return dw
  }

  /** Frees the scratch buffers. */
  dispose(): void {
    for (const { pointer } of this.scratch.values()) this.runtime.heap.free(pointer)
    this.scratch.clear()
    this.tables.clear()
  }

  /** Runs `igemm` over `rows` rows (`ind`, `outRows` padded to whole blocks), split by blocks. */
  private igemm(
    rows: number,
    taps: number,
    depth: number,
    cols: number,
    ind: number,
    outRows: number,
    packed: number,
  ): void {
    const blocks = Math.ceil(rows / IGEMM_ROWS)
    const chunk = Math.max(1, Math.floor(blocks / (this.runtime.threads * 16)))
    this.runtime.run('igemm', blocks, chunk, [ind, outRows, packed, cols, taps, depth])
  }

  /**
   * The rows a convolution's taps read from its input: `taps` pointers per output pixel to
   * `depth` floats each, as offsets relative to `base`. With many channels, one tap per filter
   * position straight into x (padding reads zeros); with few (the image layer's 3), x is copied
   * into a zero-padded buffer (with `slack` floats after it) so that a tap reads a whole filter
   * row, filterWidth * inChannels floats, and the kernel's inner loop is that much longer.
   */
  private inputRows(
    x: TensorInfo,
    info: Conv2DInfo,
    slack: number,
  ): { base: number; table: OffsetTable; taps: number; depth: number } {
    const { inChannels, filterHeight, filterWidth } = info
    if (inChannels >= PANEL) {
      const table = this.table(`taps ${key(info)}`, () => forwardOffsets(info))
      const base =
        slack === 0 || inChannels % slack === 0
          ? this.address(x)
          : this.copyWithSlack('x', x, slack)
      return { base, table, taps: filterHeight * filterWidth, depth: inChannels }
    }
    const table = this.table(`rows ${key(info)}`, () => paddedRowOffsets(info))
    return {
      base: this.copyPadded(x, info, slack),
      table,
      taps: filterHeight,
      depth: filterWidth * inChannels,
    }
  }

  /** The output phases of a transposed convolution, with their taps and index tables (kept). */
  private phases(info: Conv2DInfo): Phase[] {
    const cacheKey = `phases ${key(info)}`
    let phases = this.phaseCache.get(cacheKey)
    if (phases === undefined) {
      phases = transposedPhases(info)
      this.phaseCache.set(cacheKey, phases)
    }
    return phases
  }
  private readonly phaseCache = new Map<string, Phase[]>()

  private table(cacheKey: string, make: () => OffsetTable): OffsetTable {
    let table = this.tables.get(cacheKey)
    if (table === undefined) {
      table = make()
      this.tables.set(cacheKey, table)
    }
    return table
  }

  private address(info: TensorInfo): number {
    return this.backend.getMemoryOffset(info.dataId)
  }

  /** Addresses of `rows` output rows of `cols` floats, padded to whole blocks with a spare row. */
  private rowAddresses(out: TensorInfo, rows: number, cols: number): number {
    const spare = this.spareRow(cols)
    const length = ceilTo(rows, IGEMM_ROWS)
    const pointer = this.buffer('out', length * 4)
    const view = new Int32Array(this.runtime.heap.memory.buffer, pointer, length)
    const base = this.address(out)
    for (let m = 0; m < rows; m++) view[m] = base + m * cols * 4
    view.fill(spare, rows)
    return pointer
  }

  /** A row nobody reads, for the padding rows of the last block. */
  private spareRow(cols: number): number {
    return this.buffer('spare', ceilTo(cols, PANEL) * 4)
  }

  /** A zeroed buffer of at least `floats` floats (what padding taps read). */
  private zeros(floats: number): number {
    const before = this.scratch.get('zeros')
    const pointer = this.buffer('zeros', ceilTo(floats, PANEL) * 4)
    const after = this.scratch.get('zeros')
    if (after !== undefined && after !== before) {
      new Uint8Array(this.runtime.heap.memory.buffer, pointer, after.bytes).fill(0)
    }
    return pointer
  }

  private fillZero(info: TensorInfo): void {
    const count = info.shape.reduce((a, b) => a * b, 1)
    new Float32Array(this.runtime.heap.memory.buffer, this.address(info), count).fill(0)
  }

  /**
   * Writes `base + offset` for each offset of `table` (`zero` for -1) into the scratch buffer
   * `name`, followed by copies of `fill` up to a multiple of `multiple` entries; returns its address.
   */
  private resolve(
    name: string,
    table: OffsetTable,
    base: number,
    zero: number,
    multiple: number,
    fill: number,
  ): number {
    const length = ceilTo(Math.max(table.length, 1), multiple)
    const pointer = this.buffer(name, length * 4)
    const view = new Int32Array(this.runtime.heap.memory.buffer, pointer, length)
    for (let i = 0; i < table.length; i++) {
      const offset = table[i] as number
      view[i] = offset < 0 ? zero : base + offset
    }
    view.fill(fill, table.length)
    return pointer
  }

  /**
   * Packs the filter [taps * inChannels, outChannels] as the right-hand matrix of a forward
   * convolution: panels of 8 columns, zero beyond `cols`; returns its address.
   */
  private packRows(filter: TensorInfo, rows: number, cols: number): number {
    const panels = Math.ceil(cols / PANEL)
    const pointer = this.buffer('packed', panels * rows * PANEL * 4)
    const heap = new Float32Array(this.runtime.heap.memory.buffer)
    const source = this.address(filter) / 4
    let out = pointer / 4
    for (let panel = 0; panel < panels; panel++) {
      const first = panel * PANEL
      const width = Math.min(PANEL, cols - first)
      for (let row = 0; row < rows; row++) {
        const from = source + row * cols + first
        for (let j = 0; j < width; j++) heap[out + j] = heap[from + j] as number
        for (let j = width; j < PANEL; j++) heap[out + j] = 0
        out += PANEL
      }
    }
    return pointer
  }

  /**
   * Packs the right-hand matrix of one phase of a transposed convolution,
   * B[t * outChannels + co][ci] = W[taps[t]][ci][co], as panels of 8 columns (ci), zero beyond
   * `inChannels`; returns its address.
   */
  private packTransposed(
    filter: TensorInfo,
    taps: number[],
    inChannels: number,
    outChannels: number,
  ): number {
    const panels = Math.ceil(inChannels / PANEL)
    const pointer = this.buffer('packed', panels * taps.length * outChannels * PANEL * 4)
    const heap = new Float32Array(this.runtime.heap.memory.buffer)
    const source = this.address(filter) / 4
    let out = pointer / 4
    for (let panel = 0; panel < panels; panel++) {
      const first = panel * PANEL
      const width = Math.min(PANEL, inChannels - first)
      for (const tap of taps) {
        const tapBase = source + (tap * inChannels + first) * outChannels
        for (let co = 0; co < outChannels; co++) {
          for (let j = 0; j < width; j++)
            heap[out + j] = heap[tapBase + j * outChannels + co] as number
          for (let j = width; j < PANEL; j++) heap[out + j] = 0
          out += PANEL
        }
      }
    }
    return pointer
  }

  /** A copy of `info` with `slack` zero floats after it; returns its address. */
  private copyWithSlack(name: string, info: TensorInfo, slack: number): number {
    const count = info.shape.reduce((a, b) => a * b, 1)
    const pointer = this.buffer(name, (count + slack) * 4)
    const heap = new Float32Array(this.runtime.heap.memory.buffer)
    heap.copyWithin(pointer / 4, this.address(info) / 4, this.address(info) / 4 + count)
    heap.fill(0, pointer / 4 + count, pointer / 4 + count + slack)
    return pointer
  }

  /**
   * x copied into the zero-padded frame that `paddedRowOffsets` indexes, [N, paddedHeight,
   * paddedWidth, C], with `slack` zero floats after it; returns its address.
   */
  private copyPadded(x: TensorInfo, info: Conv2DInfo, slack: number): number {
    const { batchSize, inHeight, inWidth, inChannels } = info
    const { height, width, top, left } = paddedFrame(info)
    const size = batchSize * height * width * inChannels
    const pointer = this.buffer('padded', (size + slack) * 4)
    const heap = new Float32Array(this.runtime.heap.memory.buffer)
    const to = pointer / 4
    const from = this.address(x) / 4
    heap.fill(0, to, to + size + slack)
    // The columns of x that fall inside the frame (a 'valid' convolution may not read them all).
    const firstX = Math.max(0, -left)
    const lastX = Math.min(inWidth, width - left)
    if (lastX <= firstX) return pointer
    for (let n = 0; n < batchSize; n++) {
      for (let y = Math.max(0, -top); y < Math.min(inHeight, height - top); y++) {
        const source = from + ((n * inHeight + y) * inWidth + firstX) * inChannels
        const target = to + ((n * height + y + top) * width + firstX + left) * inChannels
        heap.copyWithin(target, source, source + (lastX - firstX) * inChannels)
      }
    }
    return pointer
  }

  /** A copy of `rows x cols` floats with rows `stride` floats apart, zero between; its address. */
  private copyRowsPadded(
    name: string,
    info: TensorInfo,
    rows: number,
    cols: number,
    stride: number,
  ): number {
    const pointer = this.buffer(name, rows * stride * 4)
    const heap = new Float32Array(this.runtime.heap.memory.buffer)
    const from = this.address(info) / 4
    const to = pointer / 4
    heap.fill(0, to, to + rows * stride)
    for (let r = 0; r < rows; r++)
      heap.copyWithin(to + r * stride, from + r * cols, from + r * cols + cols)
    return pointer
  }

  /** The scratch buffer `name`, at least `bytes` long (contents undefined). */
  private buffer(name: string, bytes: number): number {
    const known = this.scratch.get(name)
    if (known !== undefined && known.bytes >= bytes) return known.pointer
    if (known !== undefined) this.runtime.heap.free(known.pointer)
    const size = Math.max(bytes, Math.ceil((known?.bytes ?? 0) * 1.5))
    const pointer = this.runtime.heap.malloc(size)
    if (pointer === 0)
      throw new Error(`The wasm heap has no room for ${size} bytes of scratch (${name}).`)
    this.scratch.set(name, { pointer, bytes: size })
    return pointer
  }
}

/** One stride phase of a transposed convolution's output. */
interface Phase {
  /** Filter taps (ky * filterWidth + kx) that reach this phase. */
  taps: number[]
  /** Output pixels in this phase. */
  rows: number
  /** [rows][taps]: byte offsets into dy, -1 outside it. */
  inOffsets: OffsetTable
  /** [rows]: byte offsets into dx. */
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
function transposedPhases(info: Conv2DInfo): Phase[] {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info
  const { filterHeight, filterWidth, strideHeight: sh, strideWidth: sw } = info
  const { top, left } = info.padInfo
  const mod = (a: number, m: number): number => ((a % m) + m) % m
  const phases: Phase[] = []
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
