/**
 * Concealed randomisation: stratified permuted blocks with randomly varied block sizes, Pocock–Simon
 * minimisation with a random element, and kit codes for placebo-controlled trials. Every function takes the random
 * source as an argument (see random.ts): same generator state, same allocations.
 */
import { InputError } from "../shared/errors.js";
import { randomBelow, randomUnit, shuffle, type RandomSource } from "./random.js";

export interface AllocationDesign {
  /** Arm ids, in the order of `ratio`. */
  arms: readonly string[];
  /** Allocation ratio, one whole number per arm. */
  ratio: readonly number[];
}

export interface StratumFactor {
  id: string;
  levels: readonly string[];
  /** Minimisation weight (default 1). */
  weight?: number;
}

/** Checks arms, ratio and block sizes; throws InputError naming the option. */
export function checkDesign(d: AllocationDesign, blockSizes?: readonly number[]): void {
  if (d.arms.length < 2) throw new InputError("at least two arms are needed", { field: "arms" });
  if (new Set(d.arms).size !== d.arms.length) throw new InputError("an arm is named twice", { field: "arms" });
  for (const a of d.arms) if (a === "" || /[,;=\n"]/.test(a)) throw new InputError(`arm "${a}" is empty or contains , ; = or a quote`, { field: "arms" });
  if (d.ratio.length !== d.arms.length) throw new InputError(`${d.ratio.length} ratio parts for ${d.arms.length} arms`, { field: "ratio" });
  for (const r of d.ratio) if (!Number.isInteger(r) || r < 1 || r > 10) throw new InputError(`ratio part ${r} is not a whole number from 1 to 10`, { field: "ratio" });
  if (blockSizes !== undefined) {
    if (blockSizes.length === 0) throw new InputError("at least one block size is needed", { field: "blocks" });
    const unit = d.ratio.reduce((s, r) => s + r, 0);
    for (const b of blockSizes)
      if (!Number.isInteger(b) || b < unit || b % unit !== 0 || b > 1000)
        throw new InputError(`block size ${b} is not a multiple of ${unit} (the sum of the ratio ${d.ratio.join(":")})`, { field: "blocks" });
  }
}

/** The `name=value` pairs of a stratum joined by ";" (empty string when unstratified). */
export function stratumKey(levels: readonly (readonly [string, string])[]): string {
  return levels.map(([f, l]) => `${f}=${l}`).join(";");
}

/** Every combination of the factors' levels, in the order given (the first factor varies slowest). */
export function strataCombinations(factors: readonly StratumFactor[]): [string, string][][] {
  let out: [string, string][][] = [[]];
  for (const f of factors) {
    if (f.levels.length < 2) throw new InputError(`stratification factor "${f.id}" needs at least two levels`, { field: "strata" });
    if (new Set(f.levels).size !== f.levels.length) throw new InputError(`stratification factor "${f.id}" names a level twice`, { field: "strata" });
    out = out.flatMap((prefix) => f.levels.map((l) => [...prefix, [f.id, l] as [string, string]]));
  }
  return out;
}

export interface BlockAllocation {
  arm: string;
  /** Block number within the stream (1-based). */
  block: number;
  blockSize: number;
  /** Position inside the block (1-based). */
  position: number;
}

/**
 * The first `length` allocations of one stratum's permuted-block stream: each block's size is drawn uniformly from
 * `blockSizes`, the block holds every arm exactly in the ratio, and its order is a uniform random permutation.
 * The last block is cut short when `length` ends inside it (only completed blocks are balanced).
 */
export function permutedBlocks(rng: RandomSource, design: AllocationDesign, blockSizes: readonly number[], length: number): BlockAllocation[] {
  checkDesign(design, blockSizes);
  const unit = design.ratio.reduce((s, r) => s + r, 0);
  const out: BlockAllocation[] = [];
  let block = 0;
  while (out.length < length) {
    block++;
    const size = blockSizes[randomBelow(rng, blockSizes.length)] ?? unit;
    const times = size / unit;
    const content: string[] = [];
    design.arms.forEach((a, i) => {
      for (let k = 0; k < (design.ratio[i] ?? 1) * times; k++) content.push(a);
    });
    shuffle(rng, content).forEach((arm, i) => {
      if (out.length < length) out.push({ arm, block, blockSize: size, position: i + 1 });
    });
  }
  return out;
}

export interface AllocationTableRow {
  sequence: number;
  /** `name=value` pairs joined by ";" ("" when unstratified). */
  stratum: string;
  /** Block number, unique across the whole table. */
  block: number;
  blockSize: number;
  arm: string;
  kit?: string;
}

export interface AllocationTableInput extends AllocationDesign {
  strata: readonly StratumFactor[];
  blockSizes: readonly number[];
  /** Rows per stratum (the REDCap convention: every stratum gets its own complete list). */
  perStratum: number;
  /** Add a kit code per row (placebo-controlled trials). */
  kits?: boolean;
}

/**
 * A stratified permuted-block allocation table. `rngFor(stratum)` gives the stream of each stratum (the adapter
 * seeds one HMAC-DRBG per stratum from the trial seed and the stratum key), so a stratum's list does not depend on
 * the other strata. Sequence numbers run through the table stratum by stratum; block numbers are unique in the
 * table.
 */
export function allocationTable(input: AllocationTableInput, rngFor: (stratum: string) => RandomSource): AllocationTableRow[] {
  checkDesign(input, input.blockSizes);
  if (!Number.isInteger(input.perStratum) || input.perStratum < 1 || input.perStratum > 100000)
    throw new InputError(`${input.perStratum} is not a whole number from 1 to 100000`, { field: "n" });
  const rows: AllocationTableRow[] = [];
  let blockOffset = 0;
  const usedKits = new Set<string>();
  for (const combo of strataCombinations(input.strata)) {
    const key = stratumKey(combo);
    const rng = rngFor(key);
    const stream = permutedBlocks(rng, input, input.blockSizes, input.perStratum);
    for (const a of stream) {
      const row: AllocationTableRow = { sequence: rows.length + 1, stratum: key, block: blockOffset + a.block, blockSize: a.blockSize, arm: a.arm };
      if (input.kits === true) row.kit = uniqueKitCode(rng, usedKits);
      rows.push(row);
    }
    blockOffset += stream.at(-1)?.block ?? 0;
  }
  return rows;
}

// ------------------------------------------------------------------------------------------- minimisation

export interface PriorAllocation {
  /** factor id → level id */
  levels: Readonly<Record<string, string>>;
  arm: string;
}

export interface MinimisationInput extends AllocationDesign {
  factors: readonly StratumFactor[];
  previous: readonly PriorAllocation[];
  /** The new participant's level of every factor. */
  participant: Readonly<Record<string, string>>;
  /** Probability of taking the arm that minimises imbalance (1 = deterministic minimisation). */
  probability: number;
}

export interface MinimisationResult {
  arm: string;
  /** Weighted imbalance (sum over factors of the range of ratio-adjusted counts) if the participant went to each arm. */
  imbalance: Record<string, number>;
  /** The arms with the smallest imbalance. */
  preferred: string[];
  /** True when the random element overrode the preferred arm(s). */
  overridden: boolean;
}

/**
 * Pocock–Simon minimisation (range method, counts divided by the ratio part of each arm, factor weights): the arm
 * with the smallest weighted imbalance is taken with probability `probability` (ties broken uniformly); otherwise
 * one of the other arms uniformly. With every arm tied the choice is uniform.
 */
export function minimise(input: MinimisationInput, rng: RandomSource): MinimisationResult {
  checkDesign(input);
  if (!(input.probability > 0 && input.probability <= 1)) throw new InputError("the probability must be in (0, 1]", { field: "probability" });
  for (const f of input.factors) {
    const l = input.participant[f.id];
    if (l === undefined) throw new InputError(`the participant has no level for factor "${f.id}"`, { field: f.id });
    if (!f.levels.includes(l)) throw new InputError(`"${l}" is not a level of factor "${f.id}" (${f.levels.join(", ")})`, { field: f.id });
  }
  const k = input.arms.length;
  const imbalance: Record<string, number> = {};
  for (let j = 0; j < k; j++) {
    let total = 0;
    for (const f of input.factors) {
      const level = input.participant[f.id];
      const counts = new Array<number>(k).fill(0);
      for (const p of input.previous) {
        if (p.levels[f.id] !== level) continue;
        const ai = input.arms.indexOf(p.arm);
        if (ai >= 0) counts[ai] = (counts[ai] ?? 0) + 1;
      }
      counts[j] = (counts[j] ?? 0) + 1;
      const adjusted = counts.map((c, i) => c / (input.ratio[i] ?? 1));
      total += (f.weight ?? 1) * (Math.max(...adjusted) - Math.min(...adjusted));
    }
    imbalance[input.arms[j] ?? ""] = total;
  }
  const min = Math.min(...Object.values(imbalance));
  const preferred = input.arms.filter((a) => Math.abs((imbalance[a] ?? 0) - min) < 1e-12);
  const others = input.arms.filter((a) => !preferred.includes(a));
  const u = randomUnit(rng);
  if (others.length === 0 || u < input.probability) {
    return { arm: preferred[randomBelow(rng, preferred.length)] ?? preferred[0] ?? "", imbalance, preferred, overridden: false };
  }
  return { arm: others[randomBelow(rng, others.length)] ?? others[0] ?? "", imbalance, preferred, overridden: true };
}

// ---------------------------------------------------------------------------------------------- kit codes

/** Kit-code alphabet without look-alike characters (no 0/O, 1/I/L). */
const KIT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/** A kit code such as "K-7QH3-M9TZ": 8 random characters (about 40 bits), unrelated to the arm. */
export function kitCode(rng: RandomSource): string {
  let s = "";
  for (let i = 0; i < 8; i++) s += KIT_ALPHABET[randomBelow(rng, KIT_ALPHABET.length)];
  return `K-${s.slice(0, 4)}-${s.slice(4)}`;
}

function uniqueKitCode(rng: RandomSource, used: Set<string>): string {
  for (;;) {
    const c = kitCode(rng);
    if (!used.has(c)) {
      used.add(c);
      return c;
    }
  }
}

/** Writes the table as CSV (header sequence,stratum,block,arm[,kit]); fields with , ; or quotes are quoted. */
export function allocationTableCsv(rows: readonly AllocationTableRow[]): string {
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const kits = rows.some((r) => r.kit !== undefined);
  const lines = [kits ? "sequence,stratum,block,arm,kit" : "sequence,stratum,block,arm"];
  for (const r of rows) lines.push([String(r.sequence), q(r.stratum), String(r.block), q(r.arm), ...(kits ? [r.kit ?? ""] : [])].join(","));
  return lines.join("\n") + "\n";
}
