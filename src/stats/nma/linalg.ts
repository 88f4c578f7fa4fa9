/**
 * Small dense linear algebra for the network meta-analysis: symmetric positive-definite matrices stored row-major
 * in Float64Array (n x n). The matrices here are a study's contrasts (arms - 1) or the treatments (n - 1), so plain
 * Cholesky factorisation is fast and exact enough; no library is needed for matrices of this size.
 */

/** In-place Cholesky factorisation A = L L^T (lower triangle of `a` overwritten by L). False if not positive definite. */
export function cholesky(a: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j] as number;
    for (let k = 0; k < j; k++) {
      const l = a[j * n + k] as number;
      d -= l * l;
    }
    if (!(d > 0) || !Number.isFinite(d)) return false;
    const ljj = Math.sqrt(d);
    a[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j] as number;
      for (let k = 0; k < j; k++) s -= (a[i * n + k] as number) * (a[j * n + k] as number);
      a[i * n + j] = s / ljj;
    }
  }
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) a[i * n + j] = 0;
  return true;
}

/** log det of a symmetric positive-definite matrix (NaN when it is not positive definite). */
export function logDetSpd(a: Float64Array, n: number): number {
  const l = Float64Array.from(a);
  if (!cholesky(l, n)) return NaN;
  let s = 0;
  for (let i = 0; i < n; i++) s += 2 * Math.log(l[i * n + i] as number);
  return s;
}

/** Inverse of a symmetric positive-definite matrix (null when it is not positive definite). */
export function invertSpd(a: Float64Array, n: number): Float64Array | null {
  const l = Float64Array.from(a);
  if (!cholesky(l, n)) return null;
  // inv(L) by forward substitution, then inv(A) = inv(L)^T inv(L).
  const li = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    li[j * n + j] = 1 / (l[j * n + j] as number);
    for (let i = j + 1; i < n; i++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= (l[i * n + k] as number) * (li[k * n + j] as number);
      li[i * n + j] = s / (l[i * n + i] as number);
    }
  }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < n; k++) s += (li[k * n + i] as number) * (li[k * n + j] as number);
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return out;
}

/** y = A x for an n x n matrix. */
export function matVec(a: Float64Array, x: ArrayLike<number>, n: number): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += (a[i * n + j] as number) * (x[j] as number);
    y[i] = s;
  }
  return y;
}

/** C = A B for n x n matrices. */
export function matMul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k] as number;
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) c[i * n + j] = (c[i * n + j] as number) + aik * (b[k * n + j] as number);
    }
  }
  return c;
}

/** trace(A B) for n x n matrices (A B need not be formed). */
export function traceProduct(a: Float64Array, b: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s += (a[i * n + j] as number) * (b[j * n + i] as number);
  return s;
}
