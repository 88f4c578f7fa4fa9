/** Types for the part of @lhncbc/ucum-lhc that Decidua uses (the package ships none). */
declare module "@lhncbc/ucum-lhc" {
  interface ConvertResult {
    status: "succeeded" | "failed" | "error";
    toVal: number | null;
    msg: string[];
  }
  interface ValidateResult {
    status: "valid" | "invalid" | "error";
    ucumCode: string | null;
    msg: string[];
  }
  interface UcumLhcUtils {
    convertUnitTo(fromUnit: string, value: number, toUnit: string, options?: { molecularWeight?: number }): ConvertResult;
    validateUnitString(unit: string, suggest?: boolean): ValidateResult;
  }
  const ucum: { UcumLhcUtils: { getInstance(): UcumLhcUtils } };
  export default ucum;
}
