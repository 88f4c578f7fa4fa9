/**
 * Scratch memory for the arrays of one analysis. In V8 a typed array of more than 64 bytes gets a separately
 * allocated backing store: about 0.2 µs per array plus work for the garbage collector, more than the arithmetic
 * done on it in a meta-analysis of 20 studies. A view of one reused buffer costs a fifth of that.
 *
 * Rule: an array taken from a scratch is valid until the scratch is released, so it must never end up in a
 * result. metaAnalysisWith (meta.ts) takes one scratch per call and releases it before returning; its result holds
 * plain numbers only.
 */

/**
 * Where an analysis takes its working arrays from. f64 and u8 are zero-filled, like `new Float64Array(n)`;
 * f64Any and u8Any hold unspecified values, for arrays the caller writes in full before reading (zero-filling a
 * reused view costs about as much as the arithmetic of a small analysis on it).
 */
export interface ArrayAllocator {
  f64(n: number): Float64Array;
  u8(n: number): Uint8Array;
  f64Any(n: number): Float64Array;
  u8Any(n: number): Uint8Array;
}

/** Fresh arrays every time: the allocator of every caller that keeps its arrays. */
export const FRESH_ARRAYS: ArrayAllocator = {
  f64: (n) => new Float64Array(n),
  u8: (n) => new Uint8Array(n),
  f64Any: (n) => new Float64Array(n),
  u8Any: (n) => new Uint8Array(n),
};

/** Arrays longer than this are allocated fresh, so one very large analysis does not keep a large buffer alive. */
const MAX_SCRATCH_ELEMENTS = 1 << 14;
/** At most this many views are remembered per buffer. */
const MAX_CACHED_VIEWS = 4096;

/** One reused buffer of one element type, handed out as views. */
class Pool<T extends Float64Array | Uint8Array> {
  private buf: T;
  private used = 0;
  /**
   * Views already made, by position and length: analyses of the same size ask for the same views in the same
   * order, and finding one (about 10 ns) is cheaper than making one (about 45 ns). Reset when the buffer is replaced.
   */
  private readonly views = new Map<number, T>();

  constructor(private readonly make: (n: number) => T) {
    this.buf = make(1024);
  }

  take(n: number, zero: boolean): T {
    if (n > MAX_SCRATCH_ELEMENTS) return this.make(n);
    if (this.used + n > this.buf.length) {
      // Views already handed out keep the old buffer alive and stay valid.
      this.buf = this.make(Math.max(2 * this.buf.length, 2 * n));
      this.used = 0;
      this.views.clear();
    }
    const key = this.used * (MAX_SCRATCH_ELEMENTS + 1) + n;
    let view = this.views.get(key);
    if (view === undefined) {
      view = this.buf.subarray(this.used, this.used + n) as T;
      if (this.views.size >= MAX_CACHED_VIEWS) this.views.clear();
      this.views.set(key, view);
    }
    if (zero) view.fill(0);
    this.used += n;
    return view;
  }

  release(): void {
    this.used = 0;
  }
}

export class Scratch implements ArrayAllocator {
  private readonly f = new Pool((n) => new Float64Array(n));
  private readonly u = new Pool((n) => new Uint8Array(n));
  /** Workspaces by the function that makes them. */
  private readonly kept = new Map<() => object, object>();
  inUse = false;

  /**
   * A working object that lives with this scratch: made by `make` on first use, the same object for every later
   * analysis that takes this scratch (for arrays an analysis grows and reuses, like the group sequential
   * convolution's). Release does not clear it; whoever uses one writes what it reads.
   */
  workspace<T extends object>(make: () => T): T {
    let w = this.kept.get(make) as T | undefined;
    if (w === undefined) {
      w = make();
      this.kept.set(make, w);
    }
    return w;
  }

  f64(n: number): Float64Array {
    return this.f.take(n, true);
  }

  u8(n: number): Uint8Array {
    return this.u.take(n, true);
  }

  f64Any(n: number): Float64Array {
    return this.f.take(n, false);
  }

  u8Any(n: number): Uint8Array {
    return this.u.take(n, false);
  }

  release(): void {
    this.f.release();
    this.u.release();
    this.inUse = false;
  }
}

const shared = new Scratch();

/** The module's scratch, or a new one when it is in use (an analysis started inside another). Release it after. */
export function acquireScratch(): Scratch {
  if (shared.inUse) {
    const own = new Scratch();
    own.inUse = true;
    return own;
  }
  shared.inUse = true;
  return shared;
}
