/** Research export: always the research view (no names, no free text, no calendar dates). */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { apiBlob, downloadBlob } from "../api.js";
import { Alert, Button, Card, Icon, PageHead } from "../components/ui.js";

type Format = "zip" | "csv" | "json";
const FILE: Record<Format, string> = { zip: "decidua-research-export.zip", csv: "decidua-research-patients.csv", json: "decidua-research.json" };

export function ResearchPage(): JSX.Element {
  const [busy, setBusy] = useState<"" | Format>("");
  const [error, setError] = useState<string | null>(null);
  async function get(format: Format): Promise<void> {
    setBusy(format);
    setError(null);
    try {
      downloadBlob(await apiBlob("GET", `/api/research/export?format=${format}`), FILE[format]);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy("");
    }
  }
  return (
    <>
      <PageHead title="Research export" sub="Pseudonymised data for analysis, whatever your role." />
      <Card
        title="Download"
        foot={
          <>
            <Button variant="primary" onClick={() => void get("zip")} busy={busy === "zip"}><Icon name="download" size={16} /> ZIP (tidy CSV tables, data dictionary, R reader)</Button>
            <Button onClick={() => void get("csv")} busy={busy === "csv"}><Icon name="download" size={16} /> CSV (one row per patient)</Button>
            <Button onClick={() => void get("json")} busy={busy === "json"}><Icon name="download" size={16} /> JSON (coded records)</Button>
          </>
        }
      >
        <div class="stack">
          {error ? <Alert tone="error">{error}</Alert> : null}
          <p>
            Each patient appears under a stable pseudonym (for example <span class="pseudo">P-7K2QXM</span>). Only coded fields are exported: names and every
            free-text field are left out. There are no calendar dates: each date is a number of days from the patient's day 0 (the first recorded loss), and
            age is given in completed years on day 0.
          </p>
          <p>The ZIP holds one table per entity (patients, losses, work-up results, immune results, verdicts, plans, outcomes), a data dictionary and a short R script that reads them.</p>
          <Alert tone="info">Downloads are recorded in the audit log, with the patients they contain.</Alert>
        </div>
      </Card>
    </>
  );
}
