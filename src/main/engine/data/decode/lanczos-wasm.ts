import { createRequire } from 'node:module'
import type { WabtApi } from '../../backend/gemm/runtime'

/**
 * The passes of a separable resample as WebAssembly SIMD, one RGBA pixel per
 * f32x4: `widen` turns the source's bytes into float pixels once (each is read
 * by several taps), `rows` filters those rows horizontally, `columns` filters
 * the result vertically and writes rounded, saturated RGB bytes (each pixel's
 * 4-byte store overlapping the next one's: the output needs one byte to spare).
 * Tap tables: `first` (i32 per output pixel), `count` (i32), `weights` (f32, `span` per pixel).
 */
const RESAMPLE_WAT = `(module
  (memory (export "memory") 1)
  (func (export "widen") (param $src i32) (param $pixels i32) (param $dst i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $src) (i32.shl (local.get $pixels) (i32.const 2))))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (v128.store (local.get $dst)
          (f32x4.convert_i32x4_u (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u
            (v128.load32_zero (local.get $src))))))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $each))))
  (func (export "rows") (param $src i32) (param $srcStride i32) (param $rowCount i32)
    (param $first i32) (param $count i32) (param $weights i32) (param $span i32)
    (param $outWidth i32) (param $dst i32)
    (local $y i32) (local $i i32) (local $k i32) (local $n i32) (local $p i32) (local $w i32)
    (local $row i32) (local $acc v128)
    (loop $rows
      (local.set $row (i32.add (local.get $src) (i32.mul (local.get $y) (local.get $srcStride))))
      (local.set $i (i32.const 0))
      (loop $pixels
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (local.set $p (i32.add (local.get $row)
          (i32.shl (i32.load (i32.add (local.get $first) (i32.shl (local.get $i) (i32.const 2)))) (i32.const 4))))
        (local.set $n (i32.load (i32.add (local.get $count) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $w (i32.add (local.get $weights) (i32.shl (i32.mul (local.get $i) (local.get $span)) (i32.const 2))))
        (local.set $k (i32.const 0))
        (block $done
          (loop $taps
            (br_if $done (i32.ge_u (local.get $k) (local.get $n)))
            (local.set $acc (f32x4.add (local.get $acc)
              (f32x4.mul (v128.load (local.get $p)) (v128.load32_splat (local.get $w)))))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (local.set $w (i32.add (local.get $w) (i32.const 4)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $taps)))
        (v128.store (local.get $dst) (local.get $acc))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br_if $pixels (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $outWidth))))
      (br_if $rows (i32.lt_u (local.tee $y (i32.add (local.get $y) (i32.const 1))) (local.get $rowCount)))))
  (func (export "columns") (param $rows i32) (param $outWidth i32) (param $outHeight i32)
    (param $first i32) (param $count i32) (param $weights i32) (param $span i32) (param $dst i32)
    (local $j i32) (local $i i32) (local $k i32) (local $n i32) (local $p i32) (local $w i32)
    (local $base i32) (local $wj i32) (local $stride i32) (local $acc v128) (local $v v128)
    (local.set $stride (i32.shl (local.get $outWidth) (i32.const 4)))
    (loop $lines
      (local.set $base (i32.add (local.get $rows)
        (i32.mul (i32.load (i32.add (local.get $first) (i32.shl (local.get $j) (i32.const 2)))) (local.get $stride))))
      (local.set $n (i32.load (i32.add (local.get $count) (i32.shl (local.get $j) (i32.const 2)))))
      (local.set $wj (i32.add (local.get $weights) (i32.shl (i32.mul (local.get $j) (local.get $span)) (i32.const 2))))
      (local.set $i (i32.const 0))
      (loop $pixels
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (local.set $p (i32.add (local.get $base) (i32.shl (local.get $i) (i32.const 4))))
        (local.set $w (local.get $wj))
        (local.set $k (i32.const 0))
        (block $done
          (loop $taps
            (br_if $done (i32.ge_u (local.get $k) (local.get $n)))
            (local.set $acc (f32x4.add (local.get $acc)
              (f32x4.mul (v128.load (local.get $p)) (v128.load32_splat (local.get $w)))))
            (local.set $p (i32.add (local.get $p) (local.get $stride)))
            (local.set $w (i32.add (local.get $w) (i32.const 4)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $taps)))
        (local.set $v (i32x4.trunc_sat_f32x4_s (f32x4.nearest (local.get $acc))))
        (local.set $v (i8x16.narrow_i16x8_u (i16x8.narrow_i32x4_s (local.get $v) (local.get $v))
          (i16x8.narrow_i32x4_s (local.get $v) (local.get $v))))
        (v128.store32_lane 0 (local.get $dst) (local.get $v))
        (local.set $dst (i32.add (local.get $dst) (i32.const 3)))
        (br_if $pixels (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $outWidth))))
      (br_if $lines (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $outHeight))))))`

type Pass = (...args: number[]) => void

/** The compiled passes over their own memory, which grows to the largest image seen. */
export interface ResampleKernels {
  memory: WebAssembly.Memory
  widen: Pass
  rows: Pass
  columns: Pass
}

let kernels: Promise<ResampleKernels> | null = null

/** Assembles the resample passes once per thread (wabt, as the engine's GEMM kernels are). */
export function resampleKernels(): Promise<ResampleKernels> {
  kernels ??= (async () => {
    const require = createRequire(typeof __filename === 'string' ? __filename : import.meta.url)
    const wabt = await (require('wabt') as () => Promise<WabtApi>)()
    const parsed = wabt.parseWat('resample.wat', RESAMPLE_WAT, { simd: true })
    try {
      const module = await WebAssembly.compile(parsed.toBinary({}).buffer)
      const exports = new WebAssembly.Instance(module).exports
      return {
        memory: exports['memory'] as WebAssembly.Memory,
        widen: exports['widen'] as Pass,
        rows: exports['rows'] as Pass,
        columns: exports['columns'] as Pass,
      }
    } finally {
      parsed.destroy()
    }
  })()
  return kernels
}
