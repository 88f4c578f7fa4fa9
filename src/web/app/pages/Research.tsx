/** Research export: always pseudonymised (no names, dates shifted per patient). */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { apiBlob, downloadBlob } from "../api.js";
import { Alert, Button, Card, Icon, PageHead } from "../components/ui.js";

export function ResearchPage(): JSX.Element {
  const [busy, setBusy] = useState<"" | "csv" | "json">("");
  const [error, setError] = useState<string | null>(null);
  async function get(format: "csv" | "json"): Promise<void> {
    setBusy(format);
    setError(null);
    try {
      downloadBlob(await apiBlob("GET", `/api/research/export?format=${format}`), `decidua-research.${format}`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy("");
    }
  }
  return (
    <>
      <PageHead title="Research export" sub="Pseudonymised data for analysis, whatever your role." />
      <Card title="Download" foot={<><Button onClick={() => void get("csv")} busy={busy === "csv"}><Icon name="download" size={16} /> CSV (one row per patient)</Button><Button variant="primary" onClick={() => void get("json")} busy={busy === "json"}><Icon name="download" size={16} /> JSON (full records)</Button></>}>
        <div class="stack">
          {error ? <Alert tone="error">{error}</Alert> : null}
          <p>Each patient appears under a stable pseudonym (for example <span class="pseudo">P-7K2QXM</span>). Names and free-text name fields are removed and every date is shifted by a per-patient offset of up to six months, so intervals within a patient are preserved.</p>
          <Alert tone="info">Downloads are recorded in the audit log.</Alert>
        </div>
      </Card>
    </>
  );
}
