/**
 * The training path's arithmetic in WebAssembly with 128-bit SIMD (four float32 lanes): the
 * few batched products the MLP scorer and critic are made of, each over every row of a
 * minibatch in one call (lib/agent/mlp_gradient.ts drives them). Every row is `width` floats,
 * a multiple of 4 (the caller pads with zeros), and every pointer a byte offset into the
 * module's memory, 16-aligned for rows. Gradients sit at a fixed distance `delta` above what
 * they are the gradient of, so one pointer names both a matrix row and its gradient's row.
 *
 * The kernels are written in the WebAssembly text format below and assembled once, when this
 * module loads, by wabt (the WebAssembly Binary Toolkit, compiled to JS).
 *
 * @module
 */
import wabt from "wabt";

/** `for (v = from; v < to; v += step) body`, on i32 locals. */
function loop(v: string, from: string, to: string, step: string, body: string): string {
  return `(local.set ${v} ${from})
    (block (loop (br_if 1 (i32.ge_s (local.get ${v}) ${to})) ${body}
      (local.set ${v} (i32.add (local.get ${v}) ${step})) (br 0)))`;
}

/** The i32 at `array[index]`. */
function at(array: string, index: string): string {
  return `(i32.load (i32.add ${array} (i32.shl ${index} (i32.const 2))))`;
}

/** `$j` over a row's bytes, 16 at a time. */
function lanes(body: string): string {
  return loop("$j", "(i32.const 0)", "(local.get $rb)", "(i32.const 16)", body);
}

/** The v128 at `row + $j`. */
function v(row: string): string {
  return `(v128.load (i32.add ${row} (local.get $j)))`;
}

/** Stores `value` at `row + $j`. */
function store(row: string, value: string): string {
  return `(v128.store (i32.add ${row} (local.get $j)) ${value})`;
}

const ADD = (a: string, b: string) => `(f32x4.add ${a} ${b})`;
const MUL = (a: string, b: string) => `(f32x4.mul ${a} ${b})`;
const G = (row: string) => `(i32.add ${row} (local.get $delta))`;
/** Four zero lanes. */
const ZERO = "(v128.const i32x4 0 0 0 0)";

/** The horizontal sum of the four lanes of v128 local `acc`: (l0 + l1) + (l2 + l3). */
function lanesSum(acc: string): string {
  const lane = (k: number) => `(f32x4.extract_lane ${k} (local.get ${acc}))`;
  return `(f32.add (f32.add ${lane(0)} ${lane(1)}) (f32.add ${lane(2)} ${lane(3)}))`;
}

/** Eigen's rational tanh for float on four lanes (lib/agent/flat.ts's `tanh`, in float32). */
function tanh(x: string): string {
  const c = (value: number) => `(f32x4.splat (f32.const ${value}))`;
  const clamp = 7.998811721801758;
  const p = [
    -2.76076847742355e-16,
    2.00018790482477e-13,
    -8.60467152213735e-11,
    5.12229709037114e-8,
    1.48572235717979e-5,
    6.37261928875436e-4,
    4.89352455891786e-3,
  ];
  const q = [1.19825839466702e-6, 1.18534705686654e-4, 2.268434632439e-3, 4.89352518554385e-3];
  const horner = (coefficients: number[]) =>
    coefficients.slice(1).reduce(
      (acc, k) => ADD(MUL(acc, "(local.get $x2)"), c(k)),
      c(coefficients[0]!),
    );
  return `(local.set $t (f32x4.pmax (f32x4.pmin ${x} ${c(clamp)}) ${c(-clamp)}))
    (local.set $x2 (f32x4.mul (local.get $t) (local.get $t)))
    (f32x4.div (f32x4.mul ${horner(p)} (local.get $t)) ${horner(q)})`;
}

/** Loads list entries q, …, q + n - 1 into locals $p0… (rows, plus `shift`) and $x0… (values splatted). */
function entries(n: number, shift = ""): string {
  return Array.from({ length: n }, (_, e) => {
    const row = at("(local.get $ptr)", `(i32.add (local.get $q) (i32.const ${e}))`);
    return `(local.set $p${e} ${shift ? `(i32.add ${row} ${shift})` : row})
     (local.set $x${e} (v128.load32_splat offset=${4 * e}
       (i32.add (local.get $value) (i32.shl (local.get $q) (i32.const 2)))))`;
  }).join("\n");
}

/** The sum of 1 to 4 terms, pairwise: ((t0 + t1) + (t2 + t3)), ((t0 + t1) + t2), (t0 + t1), t0. */
function pairwise(terms: readonly string[]): string {
  const [t0, t1, t2, t3] = terms;
  if (t1 === undefined) return t0!;
  const first = ADD(t0!, t1);
  return t2 === undefined ? first : ADD(first, t3 === undefined ? t2 : ADD(t2, t3));
}

/** Σ $x_e · row $p_e at $j over e < n (n ≤ 4), summed pairwise; undefined for n = 0. */
function products(n: number): string | undefined {
  if (n === 0) return undefined;
  return pairwise(
    Array.from({ length: n }, (_, e) => MUL(`(local.get $x${e})`, v(`(local.get $p${e})`))),
  );
}

/**
 * One of sparse's passes over the row $o: `first` sets it to the base row $src (or 0) plus the
 * next n entries, otherwise it adds them; then q += n.
 */
function sparsePass(n: number, first: boolean): string {
  const sum = products(n);
  const write = (init?: string) =>
    lanes(store("(local.get $o)", init && sum ? ADD(init, sum) : (init ?? sum ?? ZERO)));
  const body = first
    ? `(if (local.get $src) (then ${write(v("(local.get $src)"))}) (else ${write()}))`
    : write(v("(local.get $o)"));
  return `${entries(n)}
    ${body}
    (local.set $q (i32.add (local.get $q) (i32.const ${n})))`;
}

/**
 * One of sparseAdjoint's passes over the gradient row $d: the next n entries' rows (at
 * +delta) += value · $d, and with `base` the base row's too; then q += n.
 */
function adjointPass(n: number, base: boolean): string {
  const rows = Array.from(
    { length: n },
    (_, e) =>
      store(
        `(local.get $p${e})`,
        ADD(v(`(local.get $p${e})`), MUL(`(local.get $x${e})`, "(local.get $dj)")),
      ),
  );
  if (base) rows.unshift(store("(local.get $src)", ADD(v("(local.get $src)"), "(local.get $dj)")));
  return `${entries(n, "(local.get $delta)")}
    ${lanes(`(local.set $dj ${v("(local.get $d)")}) ${rows.join(" ")}`)}
    (local.set $q (i32.add (local.get $q) (i32.const ${n})))`;
}

/** `pass(min(n, 4))` for the n = $end - $q entries left, by cases. */
function byCount(pass: (n: number) => string): string {
  const left = "(i32.sub (local.get $end) (local.get $q))";
  let code = pass(0);
  for (let n = 1; n <= 3; n++) {
    code = `(if (i32.eq ${left} (i32.const ${n})) (then ${pass(n)}) (else ${code}))`;
  }
  return `(if (i32.ge_s ${left} (i32.const 4)) (then ${pass(4)}) (else ${code}))`;
}

/** The rest of the entries: by fours, then one by one (each an adjoint pass, or a sparse one). */
function remaining(pass: (n: number) => string): string {
  return `(block (loop
       (br_if 1 (i32.ge_s (i32.add (local.get $q) (i32.const 3)) (local.get $end))) ${
    pass(4)
  } (br 0)))
     (block (loop (br_if 1 (i32.ge_s (local.get $q) (local.get $end))) ${pass(1)} (br 0)))`;
}

/**
 * denseAdjoint's pass over rows k, …, k + n - 1 (n = 1 or 4) of x and dy: the bias's and every
 * weight row's gradient += the rows' sum, products summed pairwise; then k += n.
 */
function denseAdjointPass(n: 1 | 4): string {
  const rows = Array.from({ length: n }, (_, e) => e);
  const setup = rows.map((e) =>
    `(local.set $d${e} (i32.add (local.get $dy) (i32.mul (i32.add (local.get $k) (i32.const ${e})) (local.get $rb))))`
  ).join(" ");
  const bias = pairwise(rows.map((e) => v(`(local.get $d${e})`)));
  const splats = rows.map((e) =>
    `(local.set $x${e} (v128.load32_splat (i32.add (i32.add (local.get $x) (i32.shl (local.get $r) (i32.const 2)))
       (i32.mul (i32.add (local.get $k) (i32.const ${e})) (local.get $xb)))))`
  ).join(" ");
  const weights = pairwise(rows.map((e) => MUL(`(local.get $x${e})`, v(`(local.get $d${e})`))));
  return `${setup}
    (local.set $row ${G("(local.get $b)")})
    ${lanes(store("(local.get $row)", ADD(v("(local.get $row)"), bias)))}
    (local.set $row ${G("(local.get $w)")})
    ${
    loop(
      "$r",
      "(i32.const 0)",
      "(local.get $rows)",
      "(i32.const 1)",
      `${splats}
      ${lanes(store("(local.get $row)", ADD(v("(local.get $row)"), weights)))}
      (local.set $row (i32.add (local.get $row) (local.get $rb)))`,
    )
  }
    (local.set $k (i32.add (local.get $k) (i32.const ${n})))`;
}

/** A gradient `d` times the activation's derivative at its output `a` (ReLU: 0 where a ≤ 0). */
function derivative(activation: "relu" | "tanh", d: string, a: string): string {
  return activation === "relu"
    ? `(v128.and ${d} (f32x4.gt ${a} ${ZERO}))`
    : MUL(d, `(f32x4.sub (f32x4.splat (f32.const 1)) ${MUL(a, a)})`);
}

/**
 * An exported elementwise kernel over n floats: `target` ($a or $d) = `value` lane by lane
 * (the adjoints take $a and $d, the activations $a only), with the v128 `locals` it needs.
 */
function elementwise(name: string, target: "$a" | "$d", value: string, locals = ""): string {
  const params = target === "$d" ? "(param $a i32) (param $d i32)" : "(param $a i32)";
  return `(func (export "${name}") ${params} (param $n i32) (local $j i32) (local $rb i32) ${locals}
   (local.set $rb (i32.shl (local.get $n) (i32.const 2)))
   ${lanes(store(`(local.get ${target})`, value))})`;
}

/** rowDotsAdjoint's pass over rows k, …, k + n - 1 (n = 1 or 4) of one head; then k += n. */
function headPass(n: 1 | 4, activation: "relu" | "tanh"): string {
  const rows = Array.from({ length: n }, (_, e) => e);
  const setup = rows.map((e) => {
    const k = `(i32.add (local.get $k) (i32.const ${e}))`;
    return `(local.set $z${e} (i32.add (local.get $z) (i32.mul ${k} (local.get $rb))))
     (local.set $d${e} (i32.add (local.get $dz) (i32.mul ${k} (local.get $rb))))
     (local.set $s${e} (v128.load32_splat (i32.add (local.get $dOut) (i32.shl ${k} (i32.const 2)))))`;
  }).join("\n");
  const sum = pairwise(rows.map((e) => MUL(`(local.get $s${e})`, v(`(local.get $z${e})`))));
  const gradients = rows.map((e) =>
    store(
      `(local.get $d${e})`,
      derivative(activation, MUL(`(local.get $s${e})`, "(local.get $hj)"), v(`(local.get $z${e})`)),
    )
  ).join(" ");
  return `${setup}
    ${
    lanes(`(local.set $hj ${v("(local.get $h)")})
      ${store("(local.get $hg)", ADD(v("(local.get $hg)"), sum))} ${gradients}`)
  }
    (local.set $k (i32.add (local.get $k) (i32.const ${n})))`;
}

/** rowDotsAdjoint's rows: by fours while four rows share a head, else one at a time. */
function headRows(activation: "relu" | "tanh"): string {
  const head = (e: number) => at("(local.get $heads)", `(i32.add (local.get $k) (i32.const ${e}))`);
  const sameHead = (e: number) => `(i32.eq (local.get $h) ${head(e)})`;
  const fourShareIt =
    `(if (result i32) (i32.le_s (i32.add (local.get $k) (i32.const 4)) (local.get $count))
    (then (i32.and ${sameHead(1)} (i32.and ${sameHead(2)} ${sameHead(3)}))) (else (i32.const 0)))`;
  return `(local.set $k (i32.const 0))
    (block (loop (br_if 1 (i32.ge_s (local.get $k) (local.get $count)))
      (local.set $h ${head(0)})
      (local.set $hg ${G("(local.get $h)")})
      (if ${fourShareIt} (then ${headPass(4, activation)}) (else ${headPass(1, activation)}))
      (br 0)))`;
}

/** Stores at `target` the dot product of the rows `a` and `b` (lanes summed in $acc, then across). */
function dotInto(a: string, b: string, target: string): string {
  return `(local.set $acc ${ZERO})
    ${lanes(`(local.set $acc ${ADD("(local.get $acc)", MUL(v(a), v(b)))})`)}
    (f32.store ${target} ${lanesSum("$acc")})`;
}

/** for k < $count: `row` = the k-th row (of width floats) of `rows`, then `body`. */
function eachRow(row: string, rows: string, body: string): string {
  return loop(
    "$k",
    "(i32.const 0)",
    "(local.get $count)",
    "(i32.const 1)",
    `(local.set ${row} (i32.add ${rows} (i32.mul (local.get $k) (local.get $rb))))
     ${body}`,
  );
}

/** The row loop of sparse and its adjoint: {@linkcode eachRow} with $i = order[k] (or k). */
function eachListRow(row: string, rows: string, body: string): string {
  return eachRow(
    row,
    rows,
    `(local.set $i (if (result i32) (local.get $order)
       (then ${at("(local.get $order)", "(local.get $k)")}) (else (local.get $k))))
     ${body}`,
  );
}

/** $q and $end: the bounds of row $i's entries in the lists. */
const LIST_BOUNDS = `(local.set $q ${at("(local.get $start)", "(local.get $i)")})
  (local.set $end ${at("(local.get $start)", "(i32.add (local.get $i) (i32.const 1))")})`;

const WAT = `(module
 (memory (export "memory") 1)

 ;; out[k] = M[base[k]] (or 0 without base) + Σ value[q] · M[ptr[q]] over q in
 ;; [start[i], start[i + 1]), i = order[k] (or k without order); rows of width floats.
 (func (export "sparse") (param $out i32) (param $count i32) (param $width i32)
   (param $order i32) (param $start i32) (param $ptr i32) (param $value i32) (param $base i32)
   (local $rb i32) (local $k i32) (local $i i32) (local $q i32) (local $end i32) (local $j i32)
   (local $o i32) (local $src i32) (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32)
   (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128)
   (local.set $rb (i32.shl (local.get $width) (i32.const 2)))
   ${
  eachListRow(
    "$o",
    "(local.get $out)",
    `(local.set $src (if (result i32) (local.get $base)
       (then ${at("(local.get $base)", "(local.get $k)")}) (else (i32.const 0))))
     ${LIST_BOUNDS}
     ${byCount((n) => sparsePass(n, true))}
     ${remaining((n) => sparsePass(n, false))}`,
  )
}
 )

 ;; The adjoint of sparse for dOut: M'[base[k]] += dOut[k] and M'[ptr[q]] += value[q] · dOut[k]
 ;; (M' = M + delta), up to four entries per pass over dOut[k]; with dValue, entry by entry,
 ;; also dValue[q] = M[ptr[q]] · dOut[k].
 (func (export "sparseAdjoint") (param $dOut i32) (param $count i32) (param $width i32)
   (param $order i32) (param $start i32) (param $ptr i32) (param $value i32) (param $base i32)
   (param $delta i32) (param $dValue i32)
   (local $rb i32) (local $k i32) (local $i i32) (local $q i32) (local $end i32) (local $j i32)
   (local $d i32) (local $p i32) (local $x v128) (local $acc v128) (local $src i32)
   (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32) (local $x0 v128) (local $x1 v128)
   (local $x2 v128) (local $x3 v128) (local $dj v128)
   (local.set $rb (i32.shl (local.get $width) (i32.const 2)))
   ${
  eachListRow(
    "$d",
    "(local.get $dOut)",
    `
     ${LIST_BOUNDS}
     (if (local.get $dValue) (then
       (if (local.get $base) (then
         (local.set $p ${G(at("(local.get $base)", "(local.get $k)"))})
         ${lanes(store("(local.get $p)", ADD(v("(local.get $p)"), v("(local.get $d)"))))}))
       ${
      loop(
        "$q",
        "(local.get $q)",
        "(local.get $end)",
        "(i32.const 1)",
        `(local.set $p ${at("(local.get $ptr)", "(local.get $q)")})
         (local.set $x (v128.load32_splat
           (i32.add (local.get $value) (i32.shl (local.get $q) (i32.const 2)))))
         ${
          dotInto(
            "(local.get $p)",
            "(local.get $d)",
            "(i32.add (local.get $dValue) (i32.shl (local.get $q) (i32.const 2)))",
          )
        }
         (local.set $p ${G("(local.get $p)")})
         ${
          lanes(
            store(
              "(local.get $p)",
              ADD(v("(local.get $p)"), MUL("(local.get $x)", v("(local.get $d)"))),
            ),
          )
        }`,
      )
    })
     (else
       (local.set $src (if (result i32) (local.get $base)
         (then ${G(at("(local.get $base)", "(local.get $k)"))}) (else (i32.const 0))))
       (if (local.get $src)
         (then ${byCount((n) => adjointPass(n, true))})
         (else ${byCount((n) => adjointPass(n, false))}))
       ${remaining((n) => adjointPass(n, false))}))`,
  )
}
 )

 ;; y[k] = b + x[k] W for k < count: x rows of rows floats (a multiple of 4) at stride xWidth,
 ;; W [rows, width], y rows of width.
 (func (export "dense") (param $x i32) (param $count i32) (param $rows i32) (param $xWidth i32)
   (param $w i32) (param $width i32) (param $b i32) (param $y i32)
   (local $rb i32) (local $k i32) (local $r i32) (local $j i32) (local $o i32) (local $xi i32)
   (local $row i32) (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128)
   (local.set $rb (i32.shl (local.get $width) (i32.const 2)))
   ${
  eachRow(
    "$o",
    "(local.get $y)",
    `(local.set $xi (i32.add (local.get $x) (i32.mul (local.get $k) (i32.shl (local.get $xWidth) (i32.const 2)))))
     (memory.copy (local.get $o) (local.get $b) (local.get $rb))
     (local.set $row (local.get $w))
     ${
      loop(
        "$r",
        "(i32.const 0)",
        "(local.get $rows)",
        "(i32.const 4)",
        `
       (local.set $x0 (v128.load32_splat (local.get $xi)))
       (local.set $x1 (v128.load32_splat offset=4 (local.get $xi)))
       (local.set $x2 (v128.load32_splat offset=8 (local.get $xi)))
       (local.set $x3 (v128.load32_splat offset=12 (local.get $xi)))
       ${
          lanes(
            store(
              "(local.get $o)",
              ADD(
                v("(local.get $o)"),
                ADD(
                  ADD(
                    MUL("(local.get $x0)", v("(local.get $row)")),
                    MUL("(local.get $x1)", v("(i32.add (local.get $row) (local.get $rb))")),
                  ),
                  ADD(
                    MUL(
                      "(local.get $x2)",
                      v("(i32.add (local.get $row) (i32.shl (local.get $rb) (i32.const 1)))"),
                    ),
                    MUL(
                      "(local.get $x3)",
                      v("(i32.add (local.get $row) (i32.mul (local.get $rb) (i32.const 3)))"),
                    ),
                  ),
                ),
              ),
            ),
          )
        }
       (local.set $row (i32.add (local.get $row) (i32.shl (local.get $rb) (i32.const 2))))
       (local.set $xi (i32.add (local.get $xi) (i32.const 16)))`,
      )
    }`,
  )
}
 )

 ;; The weight gradients of dense for dy: W'[r] += Σ_k x[k][r] · dy[k], b' += Σ_k dy[k]
 ;; (W' = W + delta), four rows k per pass over W'.
 (func (export "denseAdjoint") (param $x i32) (param $count i32) (param $rows i32)
   (param $xWidth i32) (param $w i32) (param $width i32) (param $b i32) (param $dy i32)
   (param $delta i32)
   (local $rb i32) (local $xb i32) (local $k i32) (local $r i32) (local $j i32) (local $row i32)
   (local $d0 i32) (local $d1 i32) (local $d2 i32) (local $d3 i32)
   (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128)
   (local.set $rb (i32.shl (local.get $width) (i32.const 2)))
   (local.set $xb (i32.shl (local.get $xWidth) (i32.const 2)))
   (local.set $k (i32.const 0))
   (block (loop
     (br_if 1 (i32.gt_s (i32.add (local.get $k) (i32.const 4)) (local.get $count)))
     ${denseAdjointPass(4)} (br 0)))
   (block (loop (br_if 1 (i32.ge_s (local.get $k) (local.get $count))) ${
  denseAdjointPass(1)
} (br 0)))
 )

 ;; a = tanh(a), a = max(a, 0) (ReLU), and the gradient d at their output a: d *= 1 - a² and
 ;; d = 0 where a ≤ 0 (ReLU passes no gradient at 0), over n floats.
 ${elementwise("tanh", "$a", tanh(v("(local.get $a)")), "(local $t v128) (local $x2 v128)")}
 ${elementwise("relu", "$a", `(f32x4.pmax ${ZERO} ${v("(local.get $a)")})`)}
 ${elementwise("tanhAdjoint", "$d", derivative("tanh", v("(local.get $d)"), v("(local.get $a)")))}
 ${elementwise("reluAdjoint", "$d", derivative("relu", v("(local.get $d)"), v("(local.get $a)")))}

 ;; out[k] = z[k] · H[heads[k]] (float32 each).
 (func (export "rowDots") (param $z i32) (param $count i32) (param $width i32) (param $heads i32)
   (param $out i32)
   (local $rb i32) (local $k i32) (local $j i32) (local $zk i32) (local $h i32) (local $acc v128)
   (local.set $rb (i32.shl (local.get $width) (i32.const 2)))
   ${
  eachRow(
    "$zk",
    "(local.get $z)",
    `(local.set $h ${at("(local.get $heads)", "(local.get $k)")})
     ${
      dotInto(
        "(local.get $zk)",
        "(local.get $h)",
        "(i32.add (local.get $out) (i32.shl (local.get $k) (i32.const 2)))",
      )
    }`,
  )
}
 )

 ;; The adjoint of rowDots for dOut, z being the output of an activation (relu: 1, tanh: 2):
 ;; H'[heads[k]] += dOut[k] · z[k] and dz[k] = dOut[k] · H[heads[k]] times the activation's
 ;; derivative at z[k] (ReLU passes nothing at 0); four rows per pass where they share a head.
 (func (export "rowDotsAdjoint") (param $z i32) (param $count i32) (param $width i32)
   (param $heads i32) (param $dOut i32) (param $dz i32) (param $delta i32) (param $activation i32)
   (local $rb i32) (local $k i32) (local $j i32) (local $h i32) (local $hg i32) (local $hj v128)
   ${[0, 1, 2, 3].map((e) => `(local $z${e} i32) (local $d${e} i32) (local $s${e} v128)`).join(" ")}
   (local.set $rb (i32.shl (local.get $width) (i32.const 2)))
   (if (i32.eq (local.get $activation) (i32.const 1))
     (then ${headRows("relu")})
     (else ${headRows("tanh")}))
 )
)`;

/** The activation whose output rowDotsAdjoint's z is: ReLU 1, tanh 2. */
export const enum Activation {
  Relu = 1,
  Tanh = 2,
}

/** sparse's and sparseAdjoint's row lists: order, starts, row pointers, values, base rows. */
type ListArgs = [order: number, start: number, ptr: number, value: number, base: number];

/** dense's and denseAdjoint's layer: input rows, their count, size and stride, weights, width, biases. */
type DenseArgs = [
  x: number,
  count: number,
  rows: number,
  xWidth: number,
  w: number,
  width: number,
  b: number,
];

/** The kernels' exports (see the module text for each one's contract). */
export interface SimdKernels {
  readonly memory: WebAssembly.Memory;
  sparse(out: number, count: number, width: number, ...lists: ListArgs): void;
  sparseAdjoint(
    dOut: number,
    count: number,
    width: number,
    ...rest: [...lists: ListArgs, delta: number, dValue: number]
  ): void;
  dense(...args: [...layer: DenseArgs, y: number]): void;
  denseAdjoint(...args: [...layer: DenseArgs, dy: number, delta: number]): void;
  tanh(a: number, n: number): void;
  tanhAdjoint(a: number, d: number, n: number): void;
  relu(a: number, n: number): void;
  reluAdjoint(a: number, d: number, n: number): void;
  rowDots(z: number, count: number, width: number, heads: number, out: number): void;
  rowDotsAdjoint(
    z: number,
    count: number,
    width: number,
    heads: number,
    dOut: number,
    dz: number,
    delta: number,
    activation: Activation,
  ): void;
}

const assembled = (await wabt()).parseWat("simd.wat", WAT);
assembled.validate();
const BINARY = assembled.toBinary({}).buffer as Uint8Array<ArrayBuffer>;
assembled.destroy();

/** The compiled kernels, assembled once per process. */
const SIMD_MODULE = new WebAssembly.Module(BINARY);

/** A new instance of the kernels, with a memory of its own. */
export function simdKernels(): SimdKernels {
  return new WebAssembly.Instance(SIMD_MODULE).exports as unknown as SimdKernels;
}
