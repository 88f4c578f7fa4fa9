/**
 * The reviewer's RevMan 5 import (issue 11 §7): an .rm5 review into the evidence draft, its source and every included
 * study as revisions of one transaction (POST /api/evidence/draft/import/rm5). What the file cannot say (which of
 * Decidua's therapies, the review's citation, the outcome kinds) the reviewer gives here; a bad file is refused with
 * the element named, and nothing is written.
 */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { api } from "../api.js";
import { useAction } from "../hooks.js";
import { AlertLine, Button } from "./ui.js";
import { toBase64 } from "./FileDrop.js";

interface ImportResult {
  title: string;
  sources: string[];
  trials: Array<{ id: string; label: string; outcomes: number; rob1: boolean }>;
  skipped: Array<{ element: string; reason: string }>;
}

/** "CMP-001.01=live-birth" lines → { "CMP-001.01": "live-birth" } (blank lines ignored). */
function outcomeKinds(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([^=\s]+)\s*=\s*(\S+)\s*$/.exec(line);
    if (m !== null) out[m[1]!] = m[2]!;
  }
  return out;
}

export function Rm5ImportForm(props: { onImported: () => void }): JSX.Element {
  const [file, setFile] = useState<{ name: string; contentBase64: string } | null>(null);
  const [therapy, setTherapy] = useState("");
  const [citation, setCitation] = useState("");
  const [kinds, setKinds] = useState("");
  const [prefix, setPrefix] = useState("");
  const [why, setWhy] = useState("");
  const action = useAction();
  const [done, setDone] = useState<ImportResult | null>(null);

  async function submit(): Promise<void> {
    if (file === null) return;
    setDone(null);
    await action.run(async () => {
      const body = { file, therapy, citation, why, outcomeKinds: outcomeKinds(kinds), ...(prefix.trim() !== "" ? { idPrefix: prefix.trim() } : {}) };
      setDone(await api<ImportResult>("POST", "/api/evidence/draft/import/rm5", body));
      props.onImported();
    });
  }

  return (
    <div class="stack" data-testid="rm5-import">
      <label class="field">
        <span class="label">RevMan 5 file (.rm5)</span>
        <input
          class="input"
          type="file"
          accept=".rm5"
          aria-label="RevMan 5 file"
          onChange={async (e) => {
            const f = e.currentTarget.files?.[0];
            setFile(f ? { name: f.name, contentBase64: toBase64(await f.arrayBuffer()) } : null);
          }}
        />
      </label>
      <div class="grid cols-2">
        <label class="field">
          <span class="label">Therapy of the experimental arm (id)</span>
          <input class="input" value={therapy} onInput={(e) => setTherapy(e.currentTarget.value)} aria-label="Therapy id" placeholder="e.g. lit" />
        </label>
        <label class="field">
          <span class="label">Prefix for the imported ids (optional)</span>
          <input class="input" value={prefix} onInput={(e) => setPrefix(e.currentTarget.value)} aria-label="Id prefix" />
        </label>
      </div>
      <label class="field">
        <span class="label">The review's citation</span>
        <input class="input" value={citation} onInput={(e) => setCitation(e.currentTarget.value)} aria-label="Review citation" />
      </label>
      <label class="field">
        <span class="label">Outcome kinds, one per line (RevMan outcome id = kind)</span>
        <textarea class="input" rows={2} value={kinds} onInput={(e) => setKinds(e.currentTarget.value)} aria-label="Outcome kinds" placeholder="CMP-001.01=live-birth" />
      </label>
      <label class="field">
        <span class="label">Reason for the import</span>
        <input class="input" value={why} onInput={(e) => setWhy(e.currentTarget.value)} aria-label="Reason for the import" />
      </label>
      <div class="row">
        <Button busy={action.busy} disabled={file === null} onClick={() => void submit()}>
          Import into the draft
        </Button>
      </div>
      <AlertLine tone="error" testId="rm5-error" text={action.error} />
      <AlertLine
        tone="ok"
        testId="rm5-imported"
        text={
          done === null
            ? null
            : `Imported "${done.title}": ${done.trials.length} trials (${done.trials.filter((t) => t.outcomes > 0).length} with outcome rows, ${done.trials.filter((t) => t.rob1).length} with RoB 1) and source ${done.sources.join(", ")}.${done.skipped.length > 0 ? ` Skipped: ${done.skipped.map((s) => `${s.element} (${s.reason})`).join("; ")}.` : ""}`
        }
      />
    </div>
  );
}
