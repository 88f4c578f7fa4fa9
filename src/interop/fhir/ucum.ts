/**
 * UCUM unit conversion for FHIR Quantities, through the maintained UCUM library of the U.S. National Library of
 * Medicine (@lhncbc/ucum-lhc). The library is a pure calculator over its bundled unit tables (no I/O after import).
 */
import ucum from "@lhncbc/ucum-lhc";

const utils = ucum.UcumLhcUtils.getInstance();
/** UCUM's arbitrary units used in laboratory medicine. */
const ARBITRARY = /\[(?:IU|iU|GPL'U|MPL'U|APL'U|arb'U|U)\]/g;

export type UcumConversion =
  | { ok: true; value: number }
  | { ok: false; kind: "unknown-unit" | "not-convertible"; message: string };

/** Converts `value` in UCUM unit `from` to UCUM unit `to`; molecularWeight (g/mol) enables mass ↔ amount. */
export function convertUcum(value: number, from: string, to: string, molecularWeight?: number): UcumConversion {
  if (from === to) return { ok: true, value };
  const valid = utils.validateUnitString(from);
  if (valid.status !== "valid") return { ok: false, kind: "unknown-unit", message: `"${from}" is not a UCUM unit` };
  let res = utils.convertUnitTo(from, value, to, molecularWeight !== undefined ? { molecularWeight } : undefined);
  if (res.status !== "succeeded") {
    // UCUM refuses to convert arbitrary units ([IU], [GPL'U], [arb'U]) even when only the prefix or the volume
    // differs (u[IU]/mL → m[IU]/L). When both sides carry the same arbitrary atoms, convert the rest of the unit by
    // standing a metric base unit (candela, never used in laboratory units) in for each arbitrary atom.
    const atoms = (u: string) => (u.match(ARBITRARY) ?? []).sort().join(" ");
    if (atoms(from) !== "" && atoms(from) === atoms(to)) {
      const stand = (u: string) => u.replace(ARBITRARY, "cd");
      const alt = utils.convertUnitTo(stand(from), value, stand(to));
      if (alt.status === "succeeded") res = alt;
    }
  }
  if (res.status !== "succeeded" || res.toVal === null || !Number.isFinite(res.toVal))
    return { ok: false, kind: "not-convertible", message: `"${from}" cannot be converted to "${to}"${res.msg.length > 0 ? ` (${res.msg.join("; ")})` : ""}` };
  return { ok: true, value: res.toVal };
}

/** True when `unit` is a valid UCUM expression. */
export function isUcumUnit(unit: string): boolean {
  return utils.validateUnitString(unit).status === "valid";
}
