// Development aid: prints where the assessment differs from examples/patients/vignettes/expected.json.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { assessPatient } from "../src/clinical/index.js";
import { THERAPY_IDS } from "../src/shared/therapy-ids.js";
const dir = join(import.meta.dirname, "..", "examples", "patients", "vignettes");
const expected = JSON.parse(readFileSync(join(dir, "expected.json"), "utf8")) as Record<string, { today: string; therapies: Record<string, { status: string }> }>;
for (const f of readdirSync(dir).filter((x) => /^v\d+.*\.json$/.test(x)).sort()) {
  const key = f.replace(/\.json$/, "");
  const e = expected[key];
  if (e === undefined) { console.log(`${key}: no expectation`); continue; }
  try {
    const a = assessPatient(JSON.parse(readFileSync(join(dir, f), "utf8")), { today: e.today, file: f });
    for (const t of THERAPY_IDS) {
      const v = a.therapies[t];
      if (v.status !== e.therapies[t]?.status) console.log(`${key}\t${t}\t${e.therapies[t]?.status} -> ${v.status}\t[${v.reasonKind}] ${v.headline.slice(0, 160)}`);
    }
  } catch (err) { console.log(`${key}: ERROR ${String(err)}`); }
}
