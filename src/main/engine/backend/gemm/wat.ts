/**
 * WebAssembly text of the engine's own wasm kernels: the two matrix kernels every convolution of
 * training is expressed in (see ./conv.ts), what they need (filter packing, index tables, bulk
 * copies), and the elementwise passes of ./elementwise.ts. The matrix kernels keep a block of
 * `rows x 8` float32 sums in SIMD registers and add products with `f32x4.relaxed_madd` (a fused
 * multiply-add on machines with FMA: about 1.8x the throughput, measured here, of the separate
 * multiply and add that tfjs's XNNPACK build is limited to).
 *
 * Pointers are byte addresses in the memory of tfjs's wasm module, which the module imports, so
 * the kernels read and write tensors where tfjs keeps them. Every kernel that splits into units
 * of work takes the range of units `(first, last)` as its first two arguments (see ./runtime.ts).
 */

/** Rows of the block that `igemm` keeps in registers (4 x 8 floats: 8 of the 16 registers). */
export const IGEMM_ROWS = 4
/** Rows of the block that `fgemm` keeps in registers. */
export const FGEMM_ROWS = 4
/** Columns per block, and the width of a packed panel of the right-hand matrix. */
export const PANEL = 8

const ZERO = '(v128.const i32x4 0 0 0 0)'
const get = (name: string): string => `(local.get $${name})`
const set = (name: string, value: string): string => `(local.set $${name} ${value})`
const add = (a: string, b: string): string => `(i32.add ${a} ${b})`
const i32 = (value: number): string => `(i32.const ${value})`
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i)

/**
 * Sets `$name` to the address an index table entry stands for: `base + offset`, or `fallback`
 * where the offset is negative (a tap in the padding, a row past the end).
 */
function resolve(name: string, offset: string, base: string, fallback: string): string {
  return (
    set('off', offset) +
    set(name, `(select ${fallback} ${add(base, get('off'))} (i32.lt_s ${get('off')} ${i32(0)}))`)
  )
}

function accumulators(rows: number): string {
  return range(rows)
    .map((r) => `(local $s${r}_0 v128) (local $s${r}_1 v128)`)
    .join(' ')
}

function zeroAccumulators(rows: number): string {
  return range(rows)
    .map((r) => set(`s${r}_0`, ZERO) + set(`s${r}_1`, ZERO))
    .join('\n')
}

/** acc_r += a_r * (b0 | b1), with `a` the splat of the row's value at `address`. */
function multiplyAdd(r: number, splat: string): string {
  const madd = (half: 0 | 1): string =>
    set(
      `s${r}_${half}`,
      `(f32x4.relaxed_madd ${get('a')} ${get(`b${half}`)} ${get(`s${r}_${half}`)})`,
    )
  return set('a', splat) + madd(0) + madd(1)
}

/**
 * Stores row `r`'s 8 sums at `address` (bytes): all 8 when columns `n..n+8` exist (`n + 8 <= cols`),
 * else only the columns below `cols`, one lane at a time.
 */
function storeRow(r: number, address: string, n: string, cols: string): string {
  const lanes = range(PANEL)
    .map(
      (j) =>
        `(if (i32.lt_u ${add(n, i32(j))} ${cols}) (then (f32.store offset=${4 * j} ${address} ` +
        `(f32x4.extract_lane ${j % 4} ${get(`s${r}_${j >> 2}`)}))))`,
    )
    .join('\n')
  return `(if (i32.le_u ${add(n, i32(PANEL))} ${cols})
    (then (v128.store ${address} ${get(`s${r}_0`)}) (v128.store offset=16 ${address} ${get(`s${r}_1`)}))
    (else ${lanes}))`
}

/**
 * `igemm(block0, block1, ind, inBase, zero, outs, outBase, spare, packed, cols, taps, depth)`:
 * for row blocks `block0 <= b < block1` (rows `b*IGEMM_ROWS ...`), row `m` of the output
 * (`cols` floats at `outBase + outs[m]`, or at `spare` where that offset is -1) is
 *
 *   sum over tap t < taps, k < depth of  A_t[m][k] * B[t*depth + k][col]
 *
 * where `A_t[m]` is the `depth` floats at `inBase + ind[m*taps + t]` (`zero` where that offset
 * is -1): an "indirect" left matrix, a convolution's im2col rows without building them. B is
 * packed as panels of 8 columns, `packed[panel][t*depth + k][0..8]`, zero beyond `cols`.
 * Both tables are padded with -1 to whole blocks.
 */
function igemm(): string {
  const R = IGEMM_ROWS
  const rowPointers = range(R)
    .map((r) =>
      resolve(
        `p${r}`,
        `(i32.load ${add(get('pi'), `(i32.mul ${i32(r)} ${get('tapBytes')})`)})`,
        get('inBase'),
        get('zero'),
      ),
    )
    .join('\n')
  const inner = range(R)
    .map((r) => multiplyAdd(r, `(v128.load32_splat ${get(`p${r}`)})`))
    .join('\n')
  const advance = range(R)
    .map((r) => set(`p${r}`, add(get(`p${r}`), i32(4))))
    .join(' ')
  const stores = range(R)
    .map(
      (r) =>
        resolve('o', `(i32.load offset=${4 * r} ${get('po')})`, get('outBase'), get('spare')) +
        storeRow(r, add(get('o'), `(i32.shl ${get('n')} ${i32(2)})`), get('n'), get('cols')),
    )
    .join('\n')
  return `(func (export "igemm") (param $block0 i32) (param $block1 i32) (param $ind i32) (param $inBase i32)
    (param $zero i32) (param $outs i32) (param $outBase i32) (param $spare i32) (param $packed i32)
    (param $cols i32) (param $taps i32) (param $depth i32)
  (local $b i32) (local $n i32) (local $t i32) (local $k i32) (local $pi i32) (local $po i32) (local $pb i32) (local $off i32)
  (local $o i32) (local $tapBytes i32) ${range(R)
    .map((r) => `(local $p${r} i32)`)
    .join(' ')}
  (local $a v128) (local $b0 v128) (local $b1 v128) ${accumulators(R)}
  (if (i32.ge_u ${get('block0')} ${get('block1')}) (then (return)))
  ${set('tapBytes', `(i32.shl ${get('taps')} ${i32(2)})`)}
  ${set('b', get('block0'))}
  (loop $blocks
    ${set('po', add(get('outs'), `(i32.mul ${get('b')} ${i32(4 * R)})`))}
    ${set('n', i32(0))}
    ${set('pb', get('packed'))}
    (loop $panels
      ${zeroAccumulators(R)}
      ${set('pi', add(get('ind'), `(i32.mul ${get('b')} (i32.mul ${get('tapBytes')} ${i32(R)}))`))}
      ${set('t', get('taps'))}
      (loop $taps
        ${rowPointers}
        ${set('k', get('depth'))}
        (loop $depth
          ${set('b0', `(v128.load ${get('pb')})`)}
          ${set('b1', `(v128.load offset=16 ${get('pb')})`)}
          ${inner}
          ${advance}
          ${set('pb', add(get('pb'), i32(4 * PANEL)))}
          ${set('k', `(i32.sub ${get('k')} ${i32(1)})`)}
          (br_if $depth ${get('k')}))
        ${set('pi', add(get('pi'), i32(4)))}
        ${set('t', `(i32.sub ${get('t')} ${i32(1)})`)}
        (br_if $taps ${get('t')}))
      ${stores}
      ${set('n', add(get('n'), i32(PANEL)))}
      (br_if $panels (i32.lt_u ${get('n')} ${get('cols')})))
    ${set('b', add(get('b'), i32(1)))}
    (br_if $blocks (i32.lt_u ${get('b')} ${get('block1')}))))`
}

/** Points summed per pass of `fgemm` over its tiles, so that their rows stay in cache. */
export const FGEMM_POINTS = 128

/**
 * `fgemm(tile0, tile1, ind, dy, out, partial, count, taps, depth, cols, dyStride)`: the filter
 * gradient
 *
 *   out[t*depth + k][col] = sum over p < count of  A_t[p][k] * dy[p][col]
 *
 * with `A_t[p]` the floats at the address `ind[p*taps + t]` (a table `resolveTable` made: its
 * inner loop is the tightest) and `dy` rows `dyStride` floats apart (a multiple of 8, at least `cols`). Tile `i` covers output rows `k0 .. k0+FGEMM_ROWS` of
 * tap `t` and columns `n .. n+8`, where `n = (i % panels) * 8`, `k0 = (i / panels % blocks) * rows`
 * and `t = i / (panels * blocks)`. The points are taken `FGEMM_POINTS` at a time for all the
 * tiles in turn, with each tile's running sums kept at `partial + i * FGEMM_ROWS * 32` between
 * passes. Each `A_t[p]` must be readable for `depth` rounded up to `FGEMM_ROWS` floats; the sums
 * of rows past `depth` are never stored.
 */
function fgemm(): string {
  const R = FGEMM_ROWS
  const inner = range(R)
    .map((r) => multiplyAdd(r, `(v128.load32_splat offset=${4 * r} ${get('q')})`))
    .join('\n')
  const half = (r: number, h: number): string => `$s${r}_${h}`
  const loadPartial = range(R)
    .map((r) =>
      [0, 1]
        .map((h) => `(local.set ${half(r, h)} (v128.load offset=${32 * r + 16 * h} ${get('pp')}))`)
        .join(''),
    )
    .join('\n')
  const savePartial = range(R)
    .map((r) =>
      [0, 1]
        .map((h) => `(v128.store offset=${32 * r + 16 * h} ${get('pp')} (local.get ${half(r, h)}))`)
        .join(''),
    )
    .join('\n')
  const stores = range(R)
    .map(
      (r) => `(if (i32.lt_u ${add(get('k0'), i32(r))} ${get('depth')}) (then
        ${storeRow(r, add(get('o'), i32(0)), get('n'), get('cols'))}))
        ${set('o', add(get('o'), `(i32.shl ${get('cols')} ${i32(2)})`))}`,
    )
    .join('\n')
  return `(func (export "fgemm") (param $tile0 i32) (param $tile1 i32) (param $ind i32) (param $dy i32)
    (param $out i32) (param $partial i32) (param $count i32) (param $taps i32) (param $depth i32)
    (param $cols i32) (param $dyStride i32)
  (local $tile i32) (local $panels i32) (local $blocks i32) (local $n i32) (local $k0 i32) (local $t i32)
  (local $p i32) (local $first i32) (local $points i32) (local $pi i32) (local $pd i32) (local $pp i32)
  (local $q i32) (local $o i32) (local $k0Bytes i32) (local $tapBytes i32) (local $dyBytes i32)
  (local $a v128) (local $b0 v128) (local $b1 v128) ${accumulators(R)}
  (if (i32.ge_u ${get('tile0')} ${get('tile1')}) (then (return)))
  ${set('panels', `(i32.shr_u ${add(get('cols'), i32(PANEL - 1))} ${i32(3)})`)}
  ${set('blocks', `(i32.div_u ${add(get('depth'), i32(R - 1))} ${i32(R)})`)}
  ${set('tapBytes', `(i32.shl ${get('taps')} ${i32(2)})`)}
  ${set('dyBytes', `(i32.shl ${get('dyStride')} ${i32(2)})`)}
  ${set('first', i32(0))}
  (loop $passes
    ${set('points', `(i32.sub ${get('count')} ${get('first')})`)}
    (if (i32.gt_u ${get('points')} ${i32(FGEMM_POINTS)}) (then ${set('points', i32(FGEMM_POINTS))}))
    ${set('tile', get('tile0'))}
    (loop $tiles
      ${set('n', `(i32.shl (i32.rem_u ${get('tile')} ${get('panels')}) ${i32(3)})`)}
      ${set('k0', `(i32.mul (i32.rem_u (i32.div_u ${get('tile')} ${get('panels')}) ${get('blocks')}) ${i32(R)})`)}
      ${set('t', `(i32.div_u ${get('tile')} (i32.mul ${get('panels')} ${get('blocks')}))`)}
      ${set('pp', add(get('partial'), `(i32.mul ${get('tile')} ${i32(32 * R)})`))}
      ${set('k0Bytes', `(i32.shl ${get('k0')} ${i32(2)})`)}
      (if (i32.eqz ${get('first')}) (then ${zeroAccumulators(R)}) (else ${loadPartial}))
      ${set('pi', add(get('ind'), `(i32.shl ${add(`(i32.mul ${get('first')} ${get('taps')})`, get('t'))} ${i32(2)})`))}
      ${set('pd', add(get('dy'), `(i32.shl ${add(`(i32.mul ${get('first')} ${get('dyStride')})`, get('n'))} ${i32(2)})`))}
      ${set('p', get('points'))}
      (if ${get('p')} (then (loop $points
        ${set('q', add(`(i32.load ${get('pi')})`, get('k0Bytes')))}
        ${set('b0', `(v128.load ${get('pd')})`)}
        ${set('b1', `(v128.load offset=16 ${get('pd')})`)}
        ${inner}
        ${set('pi', add(get('pi'), get('tapBytes')))}
        ${set('pd', add(get('pd'), get('dyBytes')))}
        ${set('p', `(i32.sub ${get('p')} ${i32(1)})`)}
        (br_if $points ${get('p')}))))
      (if (i32.lt_u ${add(get('first'), get('points'))} ${get('count')})
        (then ${savePartial})
        (else
          ${set(
            'o',
            add(
              get('out'),
              `(i32.shl ${add(`(i32.mul ${add(`(i32.mul ${get('t')} ${get('depth')})`, get('k0'))} ${get('cols')})`, get('n'))} ${i32(2)})`,
            ),
          )}
          ${stores}))
      ${set('tile', add(get('tile'), i32(1)))}
      (br_if $tiles (i32.lt_u ${get('tile')} ${get('tile1')})))
    ${set('first', add(get('first'), get('points')))}
    (br_if $passes (i32.lt_u ${get('first')} ${get('count')}))))`
}

/**
 * One packed row of 8 (`dst`), column `col + j` read from `source(j)` (an address), zero from
 * column `cols` on.
 */
function packLanes(dst: string, col: string, cols: string, source: (j: number) => string): string {
  return range(PANEL)
    .map(
      (j) =>
        `(f32.store offset=${4 * j} ${dst} (if (result f32) (i32.lt_u ${add(col, i32(j))} ${cols}) ` +
        `(then (f32.load ${source(j)})) (else (f32.const 0))))`,
    )
    .join('\n')
}

/**
 * `packRows(panel0, panel1, dst, src, rows, cols)`: panels `panel0 <= p < panel1` of the
 * row-major `rows x cols` matrix at `src`, as `igemm` reads B: `dst[p][row][0..8]`.
 */
function packRows(): string {
  const source = (j: number): string => add(get('from'), i32(4 * j))
  return `(func (export "packRows") (param $panel0 i32) (param $panel1 i32) (param $dst i32) (param $src i32)
    (param $rows i32) (param $cols i32)
  (local $p i32) (local $row i32) (local $col i32) (local $from i32) (local $to i32)
  (if (i32.ge_u ${get('panel0')} ${get('panel1')}) (then (return)))
  ${set('p', get('panel0'))}
  (loop $panels
    ${set('col', `(i32.shl ${get('p')} ${i32(3)})`)}
    ${set('to', add(get('dst'), `(i32.mul (i32.mul ${get('p')} ${get('rows')}) ${i32(4 * PANEL)})`))}
    ${set('from', add(get('src'), `(i32.shl ${get('col')} ${i32(2)})`))}
    ${set('row', get('rows'))}
    (if ${get('row')} (then (loop $rows
      (if (i32.le_u ${add(get('col'), i32(PANEL))} ${get('cols')})
        (then
          (v128.store ${get('to')} (v128.load ${get('from')}))
          (v128.store offset=16 ${get('to')} (v128.load offset=16 ${get('from')})))
        (else ${packLanes(get('to'), get('col'), get('cols'), source)}))
      ${set('from', add(get('from'), `(i32.shl ${get('cols')} ${i32(2)})`))}
      ${set('to', add(get('to'), i32(4 * PANEL)))}
      ${set('row', `(i32.sub ${get('row')} ${i32(1)})`)}
      (br_if $rows ${get('row')}))))
    ${set('p', add(get('p'), i32(1)))}
    (br_if $panels (i32.lt_u ${get('p')} ${get('panel1')}))))`
}

/**
 * `packTransposed(panel0, panel1, dst, src, tapList, taps, inChannels, outChannels)`: the B of
 * one phase of a transposed convolution, `B[t*outChannels + co][ci] = W[tapList[t]][ci][co]` for
 * the filter W [filterTaps][inChannels][outChannels] at `src`, packed as `igemm` reads it.
 */
function packTransposed(): string {
  const source = (j: number): string =>
    add(get('from'), `(i32.mul ${i32(4 * j)} ${get('outChannels')})`)
  return `(func (export "packTransposed") (param $panel0 i32) (param $panel1 i32) (param $dst i32) (param $src i32)
    (param $tapList i32) (param $taps i32) (param $inChannels i32) (param $outChannels i32)
  (local $p i32) (local $t i32) (local $co i32) (local $col i32) (local $tapBase i32) (local $from i32) (local $to i32)
  (if (i32.ge_u ${get('panel0')} ${get('panel1')}) (then (return)))
  ${set('p', get('panel0'))}
  (loop $panels
    ${set('col', `(i32.shl ${get('p')} ${i32(3)})`)}
    ${set('to', add(get('dst'), `(i32.mul (i32.mul ${get('p')} (i32.mul ${get('taps')} ${get('outChannels')})) ${i32(4 * PANEL)})`))}
    ${set('t', i32(0))}
    (loop $taps
      ${set(
        'tapBase',
        add(
          get('src'),
          `(i32.shl (i32.mul ${add(`(i32.mul (i32.load ${add(get('tapList'), `(i32.shl ${get('t')} ${i32(2)})`)}) ${get('inChannels')})`, get('col'))} ${get('outChannels')}) ${i32(2)})`,
        ),
      )}
      ${set('co', i32(0))}
      (loop $channels
        ${set('from', add(get('tapBase'), `(i32.shl ${get('co')} ${i32(2)})`))}
        ${packLanes(get('to'), get('col'), get('inChannels'), source)}
        ${set('to', add(get('to'), i32(4 * PANEL)))}
        ${set('co', add(get('co'), i32(1)))}
        (br_if $channels (i32.lt_u ${get('co')} ${get('outChannels')})))
      ${set('t', add(get('t'), i32(1)))}
      (br_if $taps (i32.lt_u ${get('t')} ${get('taps')})))
    ${set('p', add(get('p'), i32(1)))}
    (br_if $panels (i32.lt_u ${get('p')} ${get('panel1')}))))`
}

/**
 * `resolveTable(first, last, dst, src, base, zero)`: entries `first <= i < last` of an index
 * table as addresses, `dst[i] = src[i] < 0 ? zero : base + src[i]` (see `igemm`).
 */
function resolveTable(): string {
  const entry = (name: string): string => add(get(name), `(i32.shl ${get('i')} ${i32(2)})`)
  return `(func (export "resolveTable") (param $first i32) (param $last i32) (param $dst i32) (param $src i32)
    (param $base i32) (param $zero i32)
  (local $i i32) (local $off i32) (local $to i32)
  (if (i32.ge_u ${get('first')} ${get('last')}) (then (return)))
  ${set('i', get('first'))}
  (loop $entries
    ${resolve('to', `(i32.load ${entry('src')})`, get('base'), get('zero'))}
    (i32.store ${entry('dst')} ${get('to')})
    ${set('i', add(get('i'), i32(1)))}
    (br_if $entries (i32.lt_u ${get('i')} ${get('last')}))))`
}

/** Byte address `$i` into the array at `$name` (inside `groups`). */
const at = (name: string): string => add(get(name), get('i'))

/**
 * The body of a function over the groups of 4 floats `first <= i < last`: its `locals`, then
 * `prelude`, then `body` for each group with `$i` its byte offset.
 */
function groups(body: string, locals = '', prelude = ''): string {
  return `(local $i i32) (local $end i32) ${locals}
  (if (i32.ge_u ${get('first')} ${get('last')}) (then (return)))
  ${prelude}
  ${set('i', `(i32.shl ${get('first')} ${i32(4)})`)}
  ${set('end', `(i32.shl ${get('last')} ${i32(4)})`)}
  (loop $groups
    ${body}
    ${set('i', add(get('i'), i32(16)))}
    (br_if $groups (i32.lt_u ${get('i')} ${get('end')})))`
}

/**
 * The body of a function over the rows `first <= r < last` of a row-major array whose rows are
 * `$<width>` floats (a multiple of 4): `body` for each group of 4 floats, with `$row` the row's
 * byte offset and `$c` the group's within it.
 */
function rowsOfVectors(width: string, body: string): string {
  return `(local $r i32) (local $row i32) (local $c i32) (local $rowBytes i32)
  (if (i32.ge_u ${get('first')} ${get('last')}) (then (return)))
  ${set('rowBytes', `(i32.shl ${get(width)} ${i32(2)})`)}
  ${set('r', get('first'))}
  (loop $rows
    ${set('row', `(i32.mul ${get('r')} ${get('rowBytes')})`)}
    ${set('c', i32(0))}
    (loop $vectors
      ${body}
      ${set('c', add(get('c'), i32(16)))}
      (br_if $vectors (i32.lt_u ${get('c')} ${get('rowBytes')})))
    ${set('r', add(get('r'), i32(1)))}
    (br_if $rows (i32.lt_u ${get('r')} ${get('last')})))`
}

/**
 * `adam(first, last, value, m, v, g, newValue, newM, newV, beta1, beta2, c1, c2, epsilon, rate)`:
 * one Adam step for the groups of 4 floats `first <= i < last`, in tfjs's order of operations:
 * `m' = m*beta1 + g*(1-beta1)`, `v' = v*beta2 + g*g*(1-beta2)`,
 * `value' = value - rate * (m'*c1) / (sqrt(v'*c2) + epsilon)` with `c1, c2` the bias corrections
 * 1/(1 - beta^t). The six scalars come as the bits of float32s.
 */
function adam(): string {
  const splat = (name: string): string =>
    set(`${name}4`, `(f32x4.splat (f32.reinterpret_i32 ${get(name)}))`)
  const scalars = ['beta1', 'beta2', 'c1', 'c2', 'epsilon', 'rate']
  const locals = `(local $grad v128) (local $m1 v128) (local $v1 v128) (local $one v128) ${scalars
    .map((name) => `(local $${name}4 v128)`)
    .join(' ')}`
  const prelude = `${scalars.map(splat).join('\n')} ${set('one', '(f32x4.splat (f32.const 1))')}`
  const oneMinus = (beta: string): string => `(f32x4.sub ${get('one')} ${get(beta)})`
  const body = `
    ${set('grad', `(v128.load ${at('g')})`)}
    ${set('m1', `(f32x4.add (f32x4.mul (v128.load ${at('m')}) ${get('beta14')}) (f32x4.mul ${get('grad')} ${oneMinus('beta14')}))`)}
    ${set('v1', `(f32x4.add (f32x4.mul (v128.load ${at('v')}) ${get('beta24')}) (f32x4.mul (f32x4.mul ${get('grad')} ${get('grad')}) ${oneMinus('beta24')}))`)}
    (v128.store ${at('newM')} ${get('m1')})
    (v128.store ${at('newV')} ${get('v1')})
    (v128.store ${at('newValue')} (f32x4.sub (v128.load ${at('value')})
      (f32x4.mul ${get('rate4')} (f32x4.div (f32x4.mul ${get('m1')} ${get('c14')})
        (f32x4.add (f32x4.sqrt (f32x4.mul ${get('v1')} ${get('c24')})) ${get('epsilon4')})))))`
  return `(func (export "adam") (param $first i32) (param $last i32) (param $value i32) (param $m i32)
    (param $v i32) (param $g i32) (param $newValue i32) (param $newM i32) (param $newV i32)
    ${scalars.map((name) => `(param $${name} i32)`).join(' ')}
  ${groups(body, locals, prelude)})`
}

/** `v > 0 ? v : alpha * v` for the 4 floats at `name + $i`, or the same choice made by `x`. */
function leaky(value: string, x: string): string {
  const alpha = '(f32x4.splat (f32.reinterpret_i32 (local.get $alpha)))'
  return `(v128.bitselect ${value} (f32x4.mul ${value} ${alpha}) (f32x4.gt ${x} ${ZERO}))`
}

/**
 * `relu(first, last, x, out)`: `out = max(x, 0)` (+0 for negative x, as tfjs's), and
 * `leakyRelu(first, last, x, out, alpha)`: `out = x > 0 ? x : alpha * x` and
 * `leakyReluGrad(first, last, dy, x, out, alpha)`: `out = x > 0 ? dy : alpha * dy`, for the
 * groups of 4 floats `first <= i < last`, `alpha` as the bits of a float32 (0 for ReLU's
 * gradient). One pass each, where tfjs's wasm backend makes a scalar one and three.
 */
function leakyRelu(): string {
  return `(func (export "relu") (param $first i32) (param $last i32) (param $x i32) (param $out i32)
  ${groups(`(v128.store ${at('out')} (f32x4.max (v128.load ${at('x')}) ${ZERO}))`)})
  (func (export "leakyRelu") (param $first i32) (param $last i32) (param $x i32) (param $out i32)
    (param $alpha i32)
  ${groups(`(v128.store ${at('out')} ${leaky(`(v128.load ${at('x')})`, `(v128.load ${at('x')})`)})`)})
  (func (export "leakyReluGrad") (param $first i32) (param $last i32) (param $dy i32) (param $x i32)
    (param $out i32) (param $alpha i32)
  ${groups(`(v128.store ${at('out')} ${leaky(`(v128.load ${at('dy')})`, `(v128.load ${at('x')})`)})`)})`
}

/**
 * `batchNorm(first, last, x, out, mean, factor, offset, channels)`: for the pixels
 * `first <= p < last` of channels-last `x` (`channels` a multiple of 4),
 * `out = (x - mean) * factor + offset` per channel, where `factor = scale / sqrt(variance + eps)`.
 */
function batchNorm(): string {
  const channel = (name: string): string => `(v128.load ${add(get(name), get('c'))})`
  return `(func (export "batchNorm") (param $first i32) (param $last i32) (param $x i32) (param $out i32)
    (param $mean i32) (param $factor i32) (param $offset i32) (param $channels i32)
  ${rowsOfVectors(
    'channels',
    `(v128.store ${add(get('out'), add(get('row'), get('c')))}
      (f32x4.add (f32x4.mul (f32x4.sub (v128.load ${add(get('x'), add(get('row'), get('c')))})
        ${channel('mean')}) ${channel('factor')}) ${channel('offset')}))`,
  )})`
}

/**
 * A reduction over rows into per-unit partial sums: for the units `first <= u < last`,
 * `partial[u][c] = sum over rows u*rowsPerUnit .. (at most rowsPerUnit, up to rows) of term`,
 * `channels` a multiple of 4, `term` the 4 floats of a row at byte `$c` (`$from` the row's byte
 * offset into each row-major `rows x channels` operand).
 */
function columnReduce(name: string, operands: string[], term: string): string {
  return `(func (export "${name}") (param $first i32) (param $last i32)
    ${operands.map((o) => `(param $${o} i32)`).join(' ')} (param $partial i32)
    (param $channels i32) (param $rowsPerUnit i32) (param $rows i32)
  (local $u i32) (local $row i32) (local $end i32) (local $c i32) (local $rowBytes i32) (local $p i32) (local $from i32)
  (if (i32.ge_u ${get('first')} ${get('last')}) (then (return)))
  ${set('rowBytes', `(i32.shl ${get('channels')} ${i32(2)})`)}
  ${set('u', get('first'))}
  (loop $units
    ${set('p', add(get('partial'), `(i32.mul ${get('u')} ${get('rowBytes')})`))}
    (memory.fill ${get('p')} ${i32(0)} ${get('rowBytes')})
    ${set('row', `(i32.mul ${get('u')} ${get('rowsPerUnit')})`)}
    ${set('end', add(get('row'), get('rowsPerUnit')))}
    (if (i32.gt_u ${get('end')} ${get('rows')}) (then ${set('end', get('rows'))}))
    (if (i32.lt_u ${get('row')} ${get('end')}) (then (loop $rowsLoop
      ${set('from', `(i32.mul ${get('row')} ${get('rowBytes')})`)}
      ${set('c', i32(0))}
      (loop $vectors
        (v128.store ${add(get('p'), get('c'))} (f32x4.add (v128.load ${add(get('p'), get('c'))}) ${term}))
        ${set('c', add(get('c'), i32(16)))}
        (br_if $vectors (i32.lt_u ${get('c')} ${get('rowBytes')})))
      ${set('row', add(get('row'), i32(1)))}
      (br_if $rowsLoop (i32.lt_u ${get('row')} ${get('end')})))))
    ${set('u', add(get('u'), i32(1)))}
    (br_if $units (i32.lt_u ${get('u')} ${get('last')}))))`
}

/**
 * `columnSum(first, last, x, partial, channels, rowsPerUnit, rows)`: the rows' sums of x, and
 * `columnDot(first, last, x, dy, mean, partial, ...)`: of `(x - mean) * dy` (batch norm's
 * gradient), into per-unit partial sums as `columnReduce` says.
 */
function columnSums(): string {
  const row = (name: string): string => `(v128.load ${add(get(name), add(get('from'), get('c')))})`
  const mean = `(v128.load ${add(get('mean'), get('c'))})`
  return `${columnReduce('columnSum', ['x'], row('x'))}
  ${columnReduce('columnDot', ['x', 'dy', 'mean'], `(f32x4.mul (f32x4.sub ${row('x')} ${mean}) ${row('dy')})`)}`
}

/** The arithmetic of `binary`'s kernels. */
export const BINARY_OPS = ['add', 'sub', 'mul', 'div'] as const
export type BinaryOp = (typeof BINARY_OPS)[number]
/** How the two operands of a binary kernel are laid out (see `binary`). */
export const BINARY_LAYOUTS = ['Full', 'Pattern', 'PatternLeft'] as const
export type BinaryKernel = `${BinaryOp}${(typeof BINARY_LAYOUTS)[number]}`

/**
 * Elementwise arithmetic on float32 arrays, for each op in `BINARY_OPS`:
 * - `<op>Full(first, last, a, b, out)`: `out = a op b` for the groups of 4 floats
 *   `first <= i < last`;
 * - `<op>Pattern(first, last, full, pattern, out, period)`: rows `first <= r < last` of
 *   `period` floats (a multiple of 4): `out = full op pattern`, the same `period` floats of
 *   `pattern` for every row (a broadcast operand, repeated to fill a whole number of vectors);
 * - `<op>PatternLeft(...)`: the same with `out = pattern op full`.
 */
function binary(): string {
  return BINARY_OPS.map((op) => {
    const apply = (left: string, right: string): string => `(f32x4.${op} ${left} ${right})`
    const pattern = (left: boolean): string => {
      const full = `(v128.load ${add(get('full'), add(get('row'), get('c')))})`
      const repeated = `(v128.load ${add(get('pattern'), get('c'))})`
      return `(func (export "${op}Pattern${left ? 'Left' : ''}") (param $first i32) (param $last i32)
    (param $full i32) (param $pattern i32) (param $out i32) (param $period i32)
  ${rowsOfVectors(
    'period',
    `(v128.store ${add(get('out'), add(get('row'), get('c')))}
      ${left ? apply(repeated, full) : apply(full, repeated)})`,
  )})`
    }
    return `(func (export "${op}Full") (param $first i32) (param $last i32) (param $a i32) (param $b i32)
    (param $out i32)
  ${groups(`(v128.store ${at('out')} ${apply(`(v128.load ${at('a')})`, `(v128.load ${at('b')})`)})`)})
  ${pattern(false)}
  ${pattern(true)}`
  }).join('\n')
}

/** `copy(dst, src, bytes)` and `fill(dst, bytes)` (zeros): bulk memory, for the scratch copies. */
function bulk(): string {
  return `(func (export "copy") (param $dst i32) (param $src i32) (param $bytes i32)
    (memory.copy ${get('dst')} ${get('src')} ${get('bytes')}))
  (func (export "fill") (param $dst i32) (param $bytes i32)
    (memory.fill ${get('dst')} ${i32(0)} ${get('bytes')}))`
}

/** The module: the kernels over an imported memory (shared when tfjs runs threaded). */
export function gemmModuleText(sharedMemory: boolean): string {
  const memory = sharedMemory ? '(memory 1 65536 shared)' : '(memory 1)'
  return `(module
  (import "env" "memory" ${memory})
  ${igemm()}
  ${fgemm()}
  ${packRows()}
  ${packTransposed()}
  ${resolveTable()}
  ${leakyRelu()}
  ${adam()}
  ${batchNorm()}
  ${columnSums()}
  ${binary()}
  ${bulk()})`
}
