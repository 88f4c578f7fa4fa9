/**
 * Prioritised screening queue: TF-IDF features of title + abstract and a multinomial naive Bayes classifier
 * (ASReview's default model; smoothing alpha = 3.822 as there), retrained from the decisions made so far.
 * The queue only REORDERS the records: every record is still screened by people, and nothing is excluded by it.
 *
 * TF-IDF: term counts, idf = ln((1 + n) / (1 + df)) + 1 (smoothed), each document scaled to unit Euclidean length.
 * Naive Bayes: theta_cj = (s * sum of x_ij over documents of class c + alpha) / (s * sum over j of the same + alpha V),
 * with s = 1 for the irrelevant class and s = (irrelevant mass / relevant mass) for the relevant class (class
 * balancing); a record's score is sum_j x_j (ln theta_1j - ln theta_0j), the log-likelihood ratio with equal class
 * priors (so the rarity of relevant records does not swamp the ranking).
 */

const STOP_WORDS = new Set(
  "a an and are as at be been but by for from had has have in into is it its of on or that the their there these this those to was were which with we our not no than then also between after before during can may using used use study studies".split(" "),
);

/** Lower-cased word tokens of two or more characters, stop words removed. */
export function tokenize(text: string, stopWords: ReadonlySet<string> = STOP_WORDS): string[] {
  return (text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "").match(/[a-z0-9]{2,}/g) ?? []).filter((t) => !stopWords.has(t));
}

export interface SparseRow {
  idx: Uint32Array;
  val: Float64Array;
}

export interface FeatureMatrix {
  rows: SparseRow[];
  vocabularySize: number;
}

export function tfidfFeatures(texts: readonly string[], stopWords: ReadonlySet<string> = STOP_WORDS): FeatureMatrix {
  const vocab = new Map<string, number>();
  const counts: Array<Map<number, number>> = texts.map((t) => {
    const m = new Map<number, number>();
    for (const tok of tokenize(t, stopWords)) {
      let j = vocab.get(tok);
      if (j === undefined) vocab.set(tok, (j = vocab.size));
      m.set(j, (m.get(j) ?? 0) + 1);
    }
    return m;
  });
  const df = new Float64Array(vocab.size);
  for (const m of counts) for (const j of m.keys()) df[j] = (df[j] as number) + 1;
  const n = texts.length;
  const idf = df.map((d) => Math.log((1 + n) / (1 + d)) + 1);
  const rows = counts.map((m) => {
    const idx = new Uint32Array([...m.keys()].sort((a, b) => a - b));
    const val = new Float64Array(idx.length);
    let norm = 0;
    idx.forEach((j, k) => {
      const v = (m.get(j) as number) * (idf[j] as number);
      val[k] = v;
      norm += v * v;
    });
    norm = Math.sqrt(norm);
    if (norm > 0) for (let k = 0; k < val.length; k++) val[k] = (val[k] as number) / norm;
    return { idx, val };
  });
  return { rows, vocabularySize: vocab.size };
}

export const NB_ALPHA = 3.822;

/** Per-class sums of the TF-IDF features of the labelled rows (updated one decision at a time). */
export interface ClassSums {
  relevant: Float64Array;
  irrelevant: Float64Array;
  totalRelevant: number;
  totalIrrelevant: number;
  /** Labelled records per class. */
  nRelevant: number;
  nIrrelevant: number;
}

export function emptySums(vocabularySize: number): ClassSums {
  return { relevant: new Float64Array(vocabularySize), irrelevant: new Float64Array(vocabularySize), totalRelevant: 0, totalIrrelevant: 0, nRelevant: 0, nIrrelevant: 0 };
}

export function addToSums(sums: ClassSums, r: SparseRow, relevant: boolean): void {
  const f = relevant ? sums.relevant : sums.irrelevant;
  let t = 0;
  for (let k = 0; k < r.idx.length; k++) {
    const j = r.idx[k] as number;
    const v = r.val[k] as number;
    f[j] = (f[j] as number) + v;
    t += v;
  }
  if (relevant) {
    sums.totalRelevant += t;
    sums.nRelevant += 1;
  } else {
    sums.totalIrrelevant += t;
    sums.nIrrelevant += 1;
  }
}

/**
 * Class weights of ASReview's "double" balancing, in expectation instead of by resampling: with n1 relevant and
 * n0 irrelevant labelled records (n = n1 + n0), w1 = a (n1/n0)^-alpha, w0 = 1 - (1 - b)(1 + ln n)^-beta
 * (a = 2.155, alpha = 0.94, b = 0.789, beta = 1), a training set of n records holds
 * n1' = clamp(w1 n1 n / (w1 n1 + w0 n0), 1, n - 2) relevant and n - n1' irrelevant ones, so each relevant record
 * counts n1'/n1 times and each irrelevant one (n - n1')/n0 times.
 */
export function doubleBalanceFactors(nRelevant: number, nIrrelevant: number): { relevant: number; irrelevant: number } {
  if (nRelevant === 0 || nIrrelevant === 0) return { relevant: 1, irrelevant: 1 };
  const n = nRelevant + nIrrelevant;
  const w1 = 2.155 * (nRelevant / nIrrelevant) ** -0.94;
  const w0 = 1 - (1 - 0.789) * (1 + Math.log(n)) ** -1;
  const n1 = Math.max(1, Math.min(n - 2, (w1 * nRelevant * n) / (w1 * nRelevant + w0 * nIrrelevant)));
  return { relevant: n1 / nRelevant, irrelevant: (n - n1) / nIrrelevant };
}

/**
 * Log-likelihood-ratio weights from class sums, each class's sums scaled by its double-balancing factor
 * (`doubleBalanceFactors`). Without balancing, every word unseen in both classes would favour relevance simply
 * because the irrelevant class is larger; with it the relevant records weigh as ASReview's resampling makes them.
 */
export function weightsFromSums(sums: ClassSums, alpha = NB_ALPHA): Float64Array {
  const V = sums.relevant.length;
  const f = doubleBalanceFactors(sums.nRelevant, sums.nIrrelevant);
  const d1 = Math.log(sums.totalRelevant * f.relevant + alpha * V);
  const d0 = Math.log(sums.totalIrrelevant * f.irrelevant + alpha * V);
  const w = new Float64Array(V);
  for (let j = 0; j < V; j++) w[j] = Math.log((sums.relevant[j] as number) * f.relevant + alpha) - d1 - (Math.log((sums.irrelevant[j] as number) * f.irrelevant + alpha) - d0);
  return w;
}

/** Per-feature log-likelihood ratio weights learned from labelled rows (relevant = true). */
export function naiveBayesWeights(X: FeatureMatrix, labelled: ReadonlyArray<{ row: number; relevant: boolean }>, alpha = NB_ALPHA): Float64Array {
  const sums = emptySums(X.vocabularySize);
  for (const { row, relevant } of labelled) {
    const r = X.rows[row];
    if (r === undefined) throw new Error(`row ${row} is out of range`);
    addToSums(sums, r, relevant);
  }
  return weightsFromSums(sums, alpha);
}

export function scoreRow(r: SparseRow, w: Float64Array): number {
  let s = 0;
  for (let k = 0; k < r.idx.length; k++) s += (r.val[k] as number) * (w[r.idx[k] as number] as number);
  return s;
}

export interface QueueEntry {
  row: number;
  /** Log-likelihood ratio (higher = more likely relevant); null before the model can be trained. */
  score: number | null;
}

/**
 * The unlabelled rows, most likely relevant first. The model needs at least one relevant and one irrelevant
 * label; before that the rows keep their given order (ties keep it too).
 */
export function prioritisedQueue(X: FeatureMatrix, labelled: ReadonlyArray<{ row: number; relevant: boolean }>, alpha = NB_ALPHA): QueueEntry[] {
  const done = new Set(labelled.map((l) => l.row));
  const rest: number[] = [];
  for (let i = 0; i < X.rows.length; i++) if (!done.has(i)) rest.push(i);
  const canTrain = labelled.some((l) => l.relevant) && labelled.some((l) => !l.relevant);
  if (!canTrain) return rest.map((row) => ({ row, score: null }));
  const w = naiveBayesWeights(X, labelled, alpha);
  return rest
    .map((row) => ({ row, score: scoreRow(X.rows[row] as SparseRow, w) }))
    .sort((a, b) => (b.score as number) - (a.score as number) || a.row - b.row);
}

export interface StoppingAid {
  screened: number;
  relevantFound: number;
  unscreened: number;
  /** Records judged irrelevant in a row since the last relevant one (in screening order). */
  consecutiveIrrelevant: number;
  /** Relevant records among the last `window` screened. */
  recentRelevant: number;
  window: number;
  /**
   * A rough extrapolation: the recent rate applied to every unscreened record. Under a prioritised order the rate
   * falls as screening goes on, so this tends to overstate what remains; it is an estimate, not a guarantee. NaN (null
   * in JSON) before anything is screened.
   */
  estimatedRemainingRelevant: number;
  statement: string;
}

/** `labelsInOrder`: the relevance of each screened record in the order screened. */
export function stoppingAid(labelsInOrder: readonly boolean[], unscreened: number, window = 100): StoppingAid {
  let consecutive = 0;
  for (let i = labelsInOrder.length - 1; i >= 0 && labelsInOrder[i] === false; i--) consecutive++;
  const recent = labelsInOrder.slice(-window);
  const recentRelevant = recent.filter((x) => x).length;
  // with nothing screened there is no rate to extrapolate: no estimate (NaN), and the statement says so
  const est = recent.length === 0 ? NaN : (recentRelevant / recent.length) * unscreened;
  const relevantFound = labelsInOrder.filter((x) => x).length;
  const statement =
    (recent.length === 0
      ? `Nothing screened yet: no estimate of the relevant records among the ${unscreened} unscreened. `
      : `${consecutive} record(s) in a row judged irrelevant; ${relevantFound} relevant of ${labelsInOrder.length} screened. ` +
        `Estimate only: at the rate of the last ${recent.length} decisions, about ${est.toFixed(1)} relevant record(s) may remain among ${unscreened} unscreened. `) +
    "The order is a machine suggestion; every record is still screened by people and none is excluded by the tool.";
  return { screened: labelsInOrder.length, relevantFound, unscreened, consecutiveIrrelevant: consecutive, recentRelevant, window: recent.length, estimatedRemainingRelevant: est, statement };
}
