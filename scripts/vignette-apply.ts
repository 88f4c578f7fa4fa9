// Development aid: writes the statuses (and the missing lists of changed verdicts) of the current rules into expected.json for the listed keys.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { assessPatient } from "../src/clinical/index.js";
import { THERAPY_IDS } from "../src/shared/therapy-ids.js";
const dir = join(import.meta.dirname, "..", "examples", "patients", "vignettes");
const path = join(dir, "expected.json");
const expected = JSON.parse(readFileSync(path, "utf8")) as Record<string, { today: string; therapies: Record<string, { status: string; findings?: string[]; missing?: string[] }> }>;
for (const f of readdirSync(dir).filter((x) => /^v\d+.*\.json$/.test(x)).sort()) {
  const key = f.replace(/\.json$/, "");
  const e = expected[key];
  if (e === undefined) continue;
  const a = assessPatient(JSON.parse(readFileSync(join(dir, f), "utf8")), { today: e.today, file: f });
  for (const t of THERAPY_IDS) {
    const v = a.therapies[t];
    const x = e.therapies[t]!;
    if (v.status === x.status) continue;
    x.status = v.status;
    if (x.missing !== undefined) x.missing = v.missing.map((m) => m.id);
    if (x.findings !== undefined) x.findings = x.findings.filter((id) => v.findings.some((g) => g.id === id));
  }
}
writeFileSync(path, `${JSON.stringify(expected, null, 1)}\n`);
