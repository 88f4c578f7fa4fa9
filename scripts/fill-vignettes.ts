// Development aid: adds the vignettes of scripts/new-vignettes.json to expected.json. The hand-written statuses
// ("key") must agree with the rules (else it stops); the other therapies' statuses are taken from the rules.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { assessPatient } from "../src/clinical/index.js";
import { THERAPY_IDS } from "../src/shared/therapy-ids.js";
const dir = join(import.meta.dirname, "..", "examples", "patients", "vignettes");
const path = join(dir, "expected.json");
const expected = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
const spec = JSON.parse(readFileSync(join(import.meta.dirname, "new-vignettes.json"), "utf8")) as Record<string, { description: string; rationale: string; today: string; key: Record<string, string> }>;
let bad = 0;
for (const [key, s] of Object.entries(spec)) {
  const a = assessPatient(JSON.parse(readFileSync(join(dir, `${key}.json`), "utf8")), { today: s.today, file: key });
  const therapies: Record<string, { status: string; reasonKind?: string }> = {};
  for (const t of THERAPY_IDS) {
    const v = a.therapies[t];
    const k = s.key[t];
    if (k !== undefined && k !== v.status) {
      bad++;
      console.log(`${key} ${t}: expected ${k}, rules say ${v.status} [${v.reasonKind}] ${v.headline.slice(0, 200)}`);
    }
    therapies[t] = k !== undefined ? { status: v.status, reasonKind: v.reasonKind } : { status: v.status };
  }
  expected[key] = { description: s.description, rationale: s.rationale, today: s.today, therapies };
}
if (bad === 0) writeFileSync(path, `${JSON.stringify(expected, null, 1)}\n`);
console.log(bad === 0 ? "written" : `${bad} disagreements: not written`);
