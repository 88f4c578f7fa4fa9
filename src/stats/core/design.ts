/**
 * The design matrix of a meta-regression from the studies' moderator values (--mods), as R's model.matrix for
 * `mods = ~ a + b`: an intercept column "intrcpt", a numeric moderator as one column named as the moderator, a
 * categorical one (any value that is not a number) as dummy columns for every level but the first, named
 * moderator + level (R's treatment contrasts; levels in sorted order, compared as R's sort in an English locale).
 */
import { InputError } from "../../shared/errors.js";
import type { StudyRow } from "../types.js";

export interface ModeratorInfo {
  name: string;
  kind: "numeric" | "categorical";
  levels?: string[];
  reference?: string;
}

export interface ModeratorDesign {
  X: Float64Array;
  p: number;
  names: string[];
  moderators: ModeratorInfo[];
}

const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
/** A number with a decimal comma (one comma, digits on both sides). */
const DECIMAL_COMMA = /^[-+]?\d+,\d+$/;
/** Cells that mean "no value" in R and spreadsheet exports. */
const MISSING = /^(NA|N\/A|NaN|#N\/A)$/i;

export function moderatorDesign(rows: readonly StudyRow[], indices: readonly number[], mods: readonly string[]): ModeratorDesign {
  const k = indices.length;
  const names = ["intrcpt"];
  const moderators: ModeratorInfo[] = [];
  const columns: Float64Array[] = [];
  for (const mod of mods) {
    const raw = indices.map((i) => {
      const r = rows[i] as StudyRow;
      const value = r.moderators?.[mod];
      if (value === undefined || value.trim() === "" || MISSING.test(value.trim())) {
        // a missing value (empty, or R's NA) is never a level of its own: metafor leaves such a study out of the model
        throw new InputError(
          `study "${r.study}" has no value for moderator "${mod}"${value !== undefined && value.trim() !== "" ? ` ("${value.trim()}" is a missing value)` : ""}; fill it in or leave the study out (metafor leaves it out of the model)`,
          { ...(r.row === undefined ? {} : { row: r.row }), field: mod },
        );
      }
      return value.trim();
    });
    // numbers, or numbers written with a decimal comma throughout (R's write.csv2, Excel in a comma locale)
    const plain = raw.every((t) => NUMBER.test(t));
    const decimalComma = !plain && raw.every((t) => (NUMBER.test(t) && !t.includes(".")) || DECIMAL_COMMA.test(t));
    if (plain || decimalComma) {
      moderators.push({ name: mod, kind: "numeric" });
      names.push(mod);
      columns.push(Float64Array.from(raw, (t) => Number(decimalComma ? t.replace(",", ".") : t)));
      continue;
    }
    const levels = [...new Set(raw)].sort((a, b) => a.localeCompare(b, "en"));
    if (levels.length < 2) throw new InputError(`moderator "${mod}" has one value only ("${levels[0] ?? ""}"); it cannot explain differences`, { field: mod });
    moderators.push({ name: mod, kind: "categorical", levels, reference: levels[0] as string });
    for (const level of levels.slice(1)) {
      names.push(`${mod}${level}`);
      columns.push(Float64Array.from(raw, (t) => (t === level ? 1 : 0)));
    }
  }
  const p = names.length;
  const X = new Float64Array(k * p);
  for (let i = 0; i < k; i++) {
    X[i * p] = 1;
    columns.forEach((c, j) => {
      X[i * p + j + 1] = c[i] as number;
    });
  }
  return { X, p, names, moderators };
}

/** The intercept-only design (a column of ones). */
export function interceptOnly(k: number): ModeratorDesign {
  return { X: new Float64Array(k).fill(1), p: 1, names: ["intrcpt"], moderators: [] };
}
