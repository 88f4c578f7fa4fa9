/**
 * A participant table (rows of text, as read from a CSV by an adapter) turned into analysis participants: which
 * columns hold the arm, the outcome, the stratum, the per-protocol flag and the pre/post marker, and which arm is
 * the treatment. Errors name the row (as a person counts it: header = row 1) and the column.
 */
import { InputError } from "../shared/errors.js";
import type { AnalysisParticipant } from "./analysis.js";

export interface ParticipantColumns {
  arm: string;
  outcome: string;
  strata?: string | undefined;
  pre?: string | undefined;
  post?: string | undefined;
  perProtocol?: string | undefined;
  id?: string | undefined;
  /** The arm value that is the treatment; by default the arm that is not called placebo/control, else the first seen. */
  treatment?: string | undefined;
  /** An arm-column value marking a non-randomised comparison group (e.g. healthy pregnant women): not an arm. */
  reference?: string | undefined;
}

export interface ParticipantTable {
  participants: AnalysisParticipant[];
  /** Members of the comparison group (`reference`), with their baseline (pre) values when given. */
  reference: AnalysisParticipant[];
  treatment: string;
  control: string;
  notes: string[];
}

const MISSING = new Set(["", "na", "n/a", "nan", ".", "missing", "unknown"]);
const YES = new Set(["1", "yes", "y", "true", "t", "event"]);
const NO = new Set(["0", "no", "n", "false", "f", "none"]);
const CONTROL_NAMES = /^(placebo|control|controls|usual[ _-]?care|routine|routine[ _-]?treatment|no[ _-]?treatment|standard[ _-]?care)$/i;
const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

export function participantsFromRows(header: readonly string[], rows: readonly (readonly string[])[], cols: ParticipantColumns, file?: string): ParticipantTable {
  const loc = (extra: { row?: number; field?: string }) => (file !== undefined ? { file, ...extra } : extra);
  const col = (name: string | undefined, flag: string): number => {
    if (name === undefined) return -1;
    const i = header.indexOf(name);
    if (i < 0) throw new InputError(`no column "${name}" (named by ${flag}); columns are: ${header.join(", ")}`, loc({ field: name }));
    return i;
  };
  const ai = col(cols.arm, "--arm");
  const oi = col(cols.outcome, "--outcome");
  const si = col(cols.strata, "--strata");
  const pri = col(cols.pre, "--pre");
  const poi = col(cols.post, "--post");
  const ppi = col(cols.perProtocol, "--per-protocol");
  // without --id, a column named as participant ids are (REDCap's record_id, "id", …) still guards against a row
  // entered twice, and the notes say which column was taken
  const idGuess = cols.id === undefined ? header.find((h) => /^(id|record[ _]?id|participant[ _]?id|subject[ _]?id|patient[ _]?id|study[ _]?id)$/i.test(h.trim())) : undefined;
  const ii = col(cols.id ?? idGuess, "--id");
  if ((pri < 0) !== (poi < 0)) throw new InputError("--pre and --post go together", loc({ field: pri < 0 ? "--pre" : "--post" }));
  const notes: string[] = [];
  if (idGuess !== undefined) notes.push(`participant ids from the column "${idGuess}" (set --id to choose another)`);
  const order: string[] = [];
  const seen = new Set<string>();
  const all = rows.map((rec, i): AnalysisParticipant => {
    const row = i + 2;
    const arm = (rec[ai] ?? "").trim();
    if (arm === "") throw new InputError("empty arm", loc({ row, field: cols.arm }));
    if (!order.includes(arm) && arm !== cols.reference) order.push(arm);
    const rawOutcome = (rec[oi] ?? "").trim().toLowerCase();
    let outcome: boolean | null;
    if (MISSING.has(rawOutcome)) outcome = null;
    else if (YES.has(rawOutcome)) outcome = true;
    else if (NO.has(rawOutcome)) outcome = false;
    else throw new InputError(`outcome "${rec[oi] ?? ""}" is not 1/0, yes/no or true/false (empty or NA for not known)`, loc({ row, field: cols.outcome }));
    const id = ii >= 0 ? (rec[ii] ?? "").trim() : `row-${row}`;
    if (ii >= 0) {
      if (id === "") throw new InputError("empty participant id", loc({ row, field: cols.id ?? idGuess }));
      if (seen.has(id)) throw new InputError(`participant id "${id}" appears twice`, loc({ row, field: cols.id ?? idGuess }));
      seen.add(id);
    }
    const p: AnalysisParticipant = { id, arm, outcome };
    if (si >= 0) {
      const s = (rec[si] ?? "").trim();
      p.stratum = MISSING.has(s.toLowerCase()) ? null : s;
    }
    if (ppi >= 0) {
      const v = (rec[ppi] ?? "").trim().toLowerCase();
      if (YES.has(v)) p.perProtocol = true;
      else if (NO.has(v)) p.perProtocol = false;
      else throw new InputError(`per-protocol flag "${rec[ppi] ?? ""}" is not 1/0, yes/no or true/false`, loc({ row, field: cols.perProtocol }));
    }
    const num = (idx: number, name: string | undefined): number | null => {
      const raw = (rec[idx] ?? "").trim();
      if (MISSING.has(raw.toLowerCase())) return null;
      const v = Number(raw);
      if (!NUMBER.test(raw) || !Number.isFinite(v)) throw new InputError(`not a number: "${raw}"`, loc({ row, ...(name !== undefined ? { field: name } : {}) }));
      return v;
    };
    if (pri >= 0) {
      p.pre = num(pri, cols.pre);
      p.post = num(poi, cols.post);
    }
    return p;
  });
  const participants = all.filter((p) => p.arm !== cols.reference);
  const reference = cols.reference !== undefined ? all.filter((p) => p.arm === cols.reference) : [];
  if (cols.reference !== undefined && reference.length === 0) throw new InputError(`no row has "${cols.reference}" in "${cols.arm}"`, loc({ field: "--reference" }));
  if (order.length !== 2) throw new InputError(`expected exactly two arms in "${cols.arm}", found ${order.length}${order.length > 0 ? `: ${order.join(", ")}` : ""}`, loc({ field: cols.arm }));
  let treatment: string;
  if (cols.treatment !== undefined) {
    if (!order.includes(cols.treatment)) throw new InputError(`"${cols.treatment}" is not an arm (${order.join(", ")})`, loc({ field: "--treatment" }));
    treatment = cols.treatment;
  } else {
    const controls = order.filter((a) => CONTROL_NAMES.test(a));
    treatment = controls.length === 1 ? (order.find((a) => a !== controls[0]) ?? order[0] ?? "") : (order[0] ?? "");
    notes.push(`treatment arm: "${treatment}" (${controls.length === 1 ? `"${controls[0] ?? ""}" is the control` : "the first arm in the file"}; set --treatment to choose)`);
  }
  const control = order.find((a) => a !== treatment) ?? "";
  return { participants, reference, treatment, control, notes };
}
