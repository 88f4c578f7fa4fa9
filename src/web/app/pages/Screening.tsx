/**
 * Study selection: review list and setup, import of search results, duplicate review, keyboard-driven
 * title/abstract screening (I include, E exclude, M maybe; N/→ next without voting), conflicts, full-text
 * screening with a mandatory exclusion reason, PRISMA 2020 and exports. Blinded: another reviewer's vote is
 * shown only once both have voted. The prioritised order is a suggestion; every record is screened by people.
 */
import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { api, apiBlob, ApiError, downloadBlob } from "../api.js";
import { useLoad } from "../hooks.js";
import { navigate } from "../router.js";
import { useSession } from "../session.js";
import { Svg } from "../components/Svg.js";
import { Alert, Badge, Button, Card, Empty, PageHead, Spinner, Stat, Tabs } from "../components/ui.js";

interface Highlight { start: number; end: number; kind: "include" | "exclude"; term: string }
interface Rec { id: string; pmid: string | null; doi: string | null; title: string; abstract: string | null; authors: string[]; journal: string | null; year: number | null; highlights: Highlight[]; abstractHighlights: Highlight[] }
interface Protocol { title: string; question: { population: string; intervention: string; comparator: string; outcomes: string }; inclusionCriteria: string[]; exclusionCriteria: string[]; inclusionTerms: string[]; exclusionTerms: string[]; exclusionReasons: string[] }
interface Kappa { n: number; kappa: number | null; observedAgreement: number }
interface Pair { reviewerA: string; reviewerB: string; votes: Kappa | null; binary: Kappa | null }
interface ReviewDetail {
  review: { id: string; title: string; protocol: Protocol };
  members: Array<{ userId: string; username: string; displayName: string; memberRole: string }>;
  myRole: string | null;
  imports: Array<{ id: string; fileName: string; format: string; sourceDatabase: string; searchDate: string; searchString: string; recordCount: number }>;
  summary: { records: number; duplicatesRemoved: number; uncertainDuplicates: number; screened: number; titleAbstract: Record<string, number>; fullText: Record<string, number>; conflicts: { titleAbstract: number; fullText: number }; agreement: { titleAbstract: Pair[]; fullText: Pair[] }; prismaComplete: boolean };
  prioritisationNote: string;
}

type Tab = "overview" | "import" | "duplicates" | "screen" | "conflicts" | "fulltext" | "prisma";
const TABS: Array<{ id: Tab; label: string }> = [
  { id: "overview", label: "Overview" },
  { id: "import", label: "Import" },
  { id: "duplicates", label: "Duplicates" },
  { id: "screen", label: "Title/abstract" },
  { id: "conflicts", label: "Conflicts" },
  { id: "fulltext", label: "Full text" },
  { id: "prisma", label: "PRISMA & exports" },
];

const msg = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Text with the review's terms marked (<mark class="hl-include|hl-exclude">). */
function Marked(props: { text: string; spans: Highlight[] }): JSX.Element {
  const out: Array<string | JSX.Element> = [];
  let at = 0;
  props.spans.forEach((h, i) => {
    if (h.start > at) out.push(props.text.slice(at, h.start));
    out.push(<mark key={i} class={`hl-${h.kind}`} title={`${h.kind === "include" ? "inclusion" : "exclusion"} term: ${h.term}`}>{props.text.slice(h.start, h.end)}</mark>);
    at = h.end;
  });
  if (at < props.text.length) out.push(props.text.slice(at));
  return <>{out}</>;
}

function RecordCard(props: { r: Rec }): JSX.Element {
  const r = props.r;
  return (
    <article class="screen-record" data-testid="screen-record" data-record-id={r.id}>
      <h3 data-testid="record-title"><Marked text={r.title} spans={r.highlights} /></h3>
      <p class="muted">{[r.authors.slice(0, 3).join("; ") + (r.authors.length > 3 ? " et al." : ""), r.journal, r.year].filter((x) => x !== null && x !== "").join(" · ")}{r.pmid ? ` · PMID ${r.pmid}` : ""}{r.doi ? ` · doi:${r.doi}` : ""}</p>
      {r.abstract ? <p class="abstract"><Marked text={r.abstract} spans={r.abstractHighlights} /></p> : <p class="muted">No abstract.</p>}
    </article>
  );
}

export function ScreeningListPage(): JSX.Element {
  const { user } = useSession();
  const list = useLoad(() => api<{ reviews: Array<{ id: string; title: string; createdAt: string; createdBy: string }> }>("GET", "/api/screening/reviews"), []);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [f, setF] = useState({ title: "", population: "", intervention: "", comparator: "", outcomes: "", inclusion: "", exclusion: "", incTerms: "", excTerms: "", reasons: "Wrong population\nWrong intervention\nWrong comparator\nWrong outcomes\nWrong study design" });
  const lines = (s: string): string[] => s.split("\n").map((x) => x.trim()).filter((x) => x !== "");
  const terms = (s: string): string[] => s.split(/[,\n]/).map((x) => x.trim()).filter((x) => x !== "");
  async function create(): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      const res = await api<{ review: { id: string } }>("POST", "/api/screening/reviews", {
        protocol: { title: f.title, question: { population: f.population, intervention: f.intervention, comparator: f.comparator, outcomes: f.outcomes }, inclusionCriteria: lines(f.inclusion), exclusionCriteria: lines(f.exclusion), inclusionTerms: terms(f.incTerms), exclusionTerms: terms(f.excTerms), exclusionReasons: lines(f.reasons) },
      });
      navigate(`/screening/${res.review.id}`);
    } catch (e) {
      setError(e instanceof ApiError && e.field ? `${e.field}: ${e.message}` : msg(e));
    } finally {
      setBusy(false);
    }
  }
  const field = (key: keyof typeof f, label: string, multi = false): JSX.Element => (
    <label class="field">
      <span>{label}</span>
      {multi ? <textarea name={key} rows={3} value={f[key]} onInput={(e) => setF({ ...f, [key]: (e.target as HTMLTextAreaElement).value })} /> : <input name={key} value={f[key]} onInput={(e) => setF({ ...f, [key]: (e.target as HTMLInputElement).value })} />}
    </label>
  );
  return (
    <>
      <PageHead title="Study selection" sub="Systematic-review screening: import, deduplicate, screen in pairs, resolve, PRISMA." />
      <Card title="Reviews">
        {list.loading && !list.data ? <Spinner /> : list.error ? <Alert tone="error">{list.error.message}</Alert> : list.data?.reviews.length === 0 ? <Empty title="No review yet" /> : (
          <ul class="plain-list" data-testid="review-list">
            {list.data?.reviews.map((r) => <li key={r.id}><a href={`/screening/${r.id}`}>{r.title}</a> <span class="muted">by {r.createdBy}</span></li>)}
          </ul>
        )}
      </Card>
      {user.role === "researcher" || user.role === "admin" ? (
        <Card title="New review" foot={<Button variant="primary" onClick={() => void create()} busy={busy} data-testid="create-review">Create review</Button>}>
          <div class="stack">
            {error ? <Alert tone="error">{error}</Alert> : null}
            {field("title", "Title")}
            {field("population", "Population (P)")}
            {field("intervention", "Intervention (I)")}
            {field("comparator", "Comparator (C)")}
            {field("outcomes", "Outcomes (O)")}
            {field("inclusion", "Inclusion criteria (one per line)", true)}
            {field("exclusion", "Exclusion criteria (one per line)", true)}
            {field("incTerms", "Terms to highlight as pointing to inclusion (comma-separated; randomi* matches word endings)")}
            {field("excTerms", "Terms to highlight as pointing to exclusion")}
            {field("reasons", "Full-text exclusion reasons (one per line)", true)}
          </div>
        </Card>
      ) : null}
    </>
  );
}

export function ScreeningReviewPage(props: { id: string; tab: string }): JSX.Element {
  const tab = (TABS.some((t) => t.id === props.tab) ? props.tab : "overview") as Tab;
  const detail = useLoad(() => api<ReviewDetail>("GET", `/api/screening/reviews/${props.id}`), [props.id, tab]);
  if (detail.loading && !detail.data) return <Spinner />;
  if (detail.error || !detail.data) return <Alert tone="error">{detail.error?.message ?? "not found"}</Alert>;
  const d = detail.data;
  return (
    <>
      <PageHead title={d.review.title} sub={`${d.summary.screened} records to screen · ${d.members.length} members`} />
      <Tabs tabs={TABS} value={tab} onChange={(t) => navigate(`/screening/${props.id}${t === "overview" ? "" : `/${t}`}`)} label="Review sections" />
      {tab === "overview" ? <Overview d={d} reload={detail.reload} /> : null}
      {tab === "import" ? <ImportTab id={props.id} d={d} reload={detail.reload} /> : null}
      {tab === "duplicates" ? <DuplicatesTab id={props.id} /> : null}
      {tab === "screen" ? <ScreenTab id={props.id} note={d.prioritisationNote} /> : null}
      {tab === "conflicts" ? <ConflictsTab id={props.id} reasons={d.review.protocol.exclusionReasons} /> : null}
      {tab === "fulltext" ? <FullTextTab id={props.id} reasons={d.review.protocol.exclusionReasons} /> : null}
      {tab === "prisma" ? <PrismaTab id={props.id} /> : null}
    </>
  );
}

const fmtK = (k: Kappa | null): string => (k === null ? "—" : k.kappa === null ? "undefined (one category only)" : k.kappa.toFixed(3));

function Overview(props: { d: ReviewDetail; reload: () => void }): JSX.Element {
  const { d } = props;
  const p = d.review.protocol;
  const [username, setUsername] = useState("");
  const [error, setError] = useState<string | null>(null);
  async function add(): Promise<void> {
    setError(null);
    try {
      await api("POST", `/api/screening/reviews/${d.review.id}/members`, { username, memberRole: "reviewer" });
      setUsername("");
      props.reload();
    } catch (e) {
      setError(msg(e));
    }
  }
  const s = d.summary;
  const kappaRows = (stage: string, pairs: Pair[]): JSX.Element[] => pairs.map((x) => {
    const n = (id: string): string => d.members.find((m) => m.userId === id)?.username ?? id;
    return <tr key={stage + x.reviewerA + x.reviewerB} data-testid={`kappa-${stage}`}><td>{stage}</td><td>{n(x.reviewerA)} / {n(x.reviewerB)}</td><td>{x.binary?.n ?? 0}</td><td>{fmtK(x.binary)}</td><td>{fmtK(x.votes)}</td></tr>;
  });
  return (
    <div class="stack">
      <div class="stats">
        <Stat label="Records imported" value={s.records} />
        <Stat label="Duplicates removed" value={s.duplicatesRemoved} hint={s.uncertainDuplicates > 0 ? `${s.uncertainDuplicates} pair(s) to review` : undefined} />
        <Stat label="Title/abstract: settled" value={`${(s.titleAbstract.agreed ?? 0) + (s.titleAbstract.resolved ?? 0)} / ${s.screened}`} />
        <Stat label="Conflicts open" value={s.conflicts.titleAbstract + s.conflicts.fullText} />
        <Stat label="Included" value={s.fullText.included ?? 0} />
      </div>
      <Card title="Agreement (Cohen's kappa)">
        {s.agreement.titleAbstract.length + s.agreement.fullText.length === 0 ? <p class="muted">No record has been screened by two reviewers yet.</p> : (
          <table class="table" data-testid="kappa-table"><thead><tr><th>Stage</th><th>Reviewers</th><th>Records</th><th>κ (forward / exclude)</th><th>κ (votes as cast)</th></tr></thead>
            <tbody>{kappaRows("title/abstract", s.agreement.titleAbstract)}{kappaRows("full text", s.agreement.fullText)}</tbody></table>
        )}
      </Card>
      <Card title="Question and criteria">
        <dl class="kv">
          <dt>Population</dt><dd>{p.question.population}</dd><dt>Intervention</dt><dd>{p.question.intervention}</dd><dt>Comparator</dt><dd>{p.question.comparator || "—"}</dd><dt>Outcomes</dt><dd>{p.question.outcomes}</dd>
          <dt>Inclusion</dt><dd>{p.inclusionCriteria.join("; ")}</dd><dt>Exclusion</dt><dd>{p.exclusionCriteria.join("; ") || "—"}</dd>
          <dt>Highlighted terms</dt><dd><mark class="hl-include">{p.inclusionTerms.join(", ") || "—"}</mark> <mark class="hl-exclude">{p.exclusionTerms.join(", ") || "—"}</mark></dd>
          <dt>Exclusion reasons</dt><dd>{p.exclusionReasons.join("; ")}</dd>
        </dl>
      </Card>
      <Card title="Reviewers">
        <ul class="plain-list" data-testid="members">{d.members.map((m) => <li key={m.userId}>{m.displayName} ({m.username}) <Badge tone="muted" small>{m.memberRole}</Badge></li>)}</ul>
        {d.myRole === "lead" ? (
          <div class="row">
            {error ? <Alert tone="error">{error}</Alert> : null}
            <label class="field"><span>Assign a user (username)</span><input name="member" value={username} onInput={(e) => setUsername((e.target as HTMLInputElement).value)} /></label>
            <Button onClick={() => void add()} data-testid="add-member">Assign</Button>
          </div>
        ) : null}
      </Card>
    </div>
  );
}

function ImportTab(props: { id: string; d: ReviewDetail; reload: () => void }): JSX.Element {
  const [meta, setMeta] = useState({ sourceDatabase: "PubMed", searchDate: "", searchString: "", format: "", titleColumn: "", abstractColumn: "", authorsColumn: "", yearColumn: "", doiColumn: "", pmidColumn: "" });
  const [file, setFile] = useState<{ name: string; content: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function send(): Promise<void> {
    if (!file) return;
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const body: Record<string, unknown> = { fileName: file.name, sourceDatabase: meta.sourceDatabase, searchDate: meta.searchDate, searchString: meta.searchString, content: file.content };
      if (meta.format) body.format = meta.format;
      // a CSV with no title column given is read by its column names (the answer says which were taken)
      if (meta.titleColumn.trim() !== "" && (meta.format === "csv" || (!meta.format && /\.csv$/i.test(file.name)))) {
        const m: Record<string, string> = { title: meta.titleColumn };
        if (meta.abstractColumn) m.abstract = meta.abstractColumn;
        if (meta.authorsColumn) m.authors = meta.authorsColumn;
        if (meta.yearColumn) m.year = meta.yearColumn;
        if (meta.doiColumn) m.doi = meta.doiColumn;
        if (meta.pmidColumn) m.pmid = meta.pmidColumn;
        body.mapping = m;
      }
      const r = await api<{ import: { recordCount: number }; columns?: string }>("POST", `/api/screening/reviews/${props.id}/imports`, body);
      setDone(`${r.import.recordCount} records imported from ${file.name}.${r.columns !== undefined ? ` Columns taken by their names: ${r.columns}.` : ""}`);
      props.reload();
    } catch (e) {
      setError(e instanceof ApiError ? `${e.message}${e.field && !e.message.includes(e.field) ? ` (field ${e.field})` : ""}` : msg(e));
    } finally {
      setBusy(false);
    }
  }
  const inp = (key: keyof typeof meta, label: string, type: "text" | "date" = "text"): JSX.Element => (
    <label class="field"><span>{label}</span>{type === "date" ? <input name={key} type="date" value={meta[key]} onInput={(e) => setMeta({ ...meta, [key]: (e.target as HTMLInputElement).value })} /> : <input name={key} type="text" value={meta[key]} onInput={(e) => setMeta({ ...meta, [key]: (e.target as HTMLInputElement).value })} />}</label>
  );
  return (
    <div class="stack">
      <Card title="Import search results" foot={<Button variant="primary" onClick={() => void send()} busy={busy} disabled={!file} data-testid="import-submit">Import</Button>}>
        <div class="stack">
          {error ? <Alert tone="error"><span data-testid="import-error">{error}</span></Alert> : null}
          {done ? <Alert tone="ok"><span data-testid="import-done">{done}</span></Alert> : null}
          <label class="field"><span>File (RIS, PubMed MEDLINE .nbib/.txt, PubMed XML, EndNote XML, CSV)</span>
            <input type="file" name="file" accept=".ris,.nbib,.txt,.xml,.csv" onChange={(e) => { const f = (e.target as HTMLInputElement).files?.[0]; if (f) void f.text().then((content) => setFile({ name: f.name, content })); }} />
          </label>
          <label class="field"><span>Format</span>
            <select name="format" value={meta.format} onChange={(e) => setMeta({ ...meta, format: (e.target as HTMLSelectElement).value })}>
              <option value="">recognise from the file</option><option value="ris">RIS</option><option value="medline">PubMed MEDLINE</option><option value="pubmed-xml">PubMed XML</option><option value="endnote-xml">EndNote XML</option><option value="csv">CSV</option>
            </select>
          </label>
          {inp("sourceDatabase", "Database searched")}
          {inp("searchDate", "Search date", "date")}
          <label class="field"><span>Search string (as run)</span><textarea name="searchString" rows={3} value={meta.searchString} onInput={(e) => setMeta({ ...meta, searchString: (e.target as HTMLTextAreaElement).value })} /></label>
          <fieldset><legend>CSV column mapping (CSV only; leave the title column empty to take the columns by their names, as Scopus, Web of Science, Zotero, Rayyan and CENTRAL name them)</legend>
            {inp("titleColumn", "Title column")}{inp("abstractColumn", "Abstract column")}{inp("authorsColumn", "Authors column (separated by ;)")}{inp("yearColumn", "Year column")}{inp("doiColumn", "DOI column")}{inp("pmidColumn", "PMID column")}
          </fieldset>
        </div>
      </Card>
      <Card title="Imports">
        {props.d.imports.length === 0 ? <p class="muted">Nothing imported yet.</p> : (
          <table class="table" data-testid="imports"><thead><tr><th>File</th><th>Database</th><th>Search date</th><th>Search string</th><th>Records</th></tr></thead>
            <tbody>{props.d.imports.map((i) => <tr key={i.id}><td>{i.fileName} ({i.format})</td><td>{i.sourceDatabase}</td><td>{i.searchDate}</td><td><code>{i.searchString}</code></td><td>{i.recordCount}</td></tr>)}</tbody></table>
        )}
      </Card>
    </div>
  );
}

interface DupData { removedByRule: Record<string, number>; uncertain: Array<{ a: string; b: string; reason: string; similarity: number; recordA?: Rec; recordB?: Rec }> }
function DuplicatesTab(props: { id: string }): JSX.Element {
  const data = useLoad(() => api<DupData>("GET", `/api/screening/reviews/${props.id}/duplicates`), [props.id]);
  const [error, setError] = useState<string | null>(null);
  async function decide(a: string, b: string, duplicate: boolean): Promise<void> {
    try {
      await api("POST", `/api/screening/reviews/${props.id}/duplicates`, { a, b, duplicate });
      data.reload();
    } catch (e) {
      setError(msg(e));
    }
  }
  if (!data.data) return data.error ? <Alert tone="error">{data.error.message}</Alert> : <Spinner />;
  const r = data.data.removedByRule;
  return (
    <div class="stack">
      <Card title="Removed automatically">
        <p data-testid="dedup-counts">Same PMID: {r.pmid ?? 0} · same DOI: {r.doi ?? 0} · same title, year and first author: {r.title_year_author ?? 0} · confirmed by a reviewer: {r.manual ?? 0}</p>
      </Card>
      <Card title={`Uncertain pairs (${data.data.uncertain.length})`}>
        {error ? <Alert tone="error">{error}</Alert> : null}
        {data.data.uncertain.length === 0 ? <p class="muted">No pair to review.</p> : data.data.uncertain.map((u) => (
          <div class="dup-pair" key={u.a + u.b} data-testid="dup-pair">
            <p><strong>{u.reason}</strong> (title similarity {u.similarity})</p>
            <div class="cols">{u.recordA ? <RecordCard r={{ ...u.recordA, highlights: [], abstractHighlights: [] }} /> : null}{u.recordB ? <RecordCard r={{ ...u.recordB, highlights: [], abstractHighlights: [] }} /> : null}</div>
            <Button onClick={() => void decide(u.a, u.b, true)}>Duplicate: remove the second</Button> <Button onClick={() => void decide(u.a, u.b, false)}>Not a duplicate</Button>
          </div>
        ))}
      </Card>
    </div>
  );
}

interface Queue { remaining: number; prioritised: boolean; note: string; stopping: { statement: string; consecutiveIrrelevant: number } | null; records: Rec[] }
function ScreenTab(props: { id: string; note: string }): JSX.Element {
  const [queue, setQueue] = useState<Queue | null>(null);
  const [index, setIndex] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const current = queue?.records[index] ?? null;
  // the key handler reads the state of the latest render (not of the render that registered it)
  const live = useRef({ current, busy, count: 0 });
  live.current = { current, busy, count: queue?.records.length ?? 0 };
  async function load(): Promise<void> {
    try {
      const q = await api<Queue>("GET", `/api/screening/reviews/${props.id}/queue?stage=title_abstract&limit=20`);
      setQueue(q);
      setIndex(0);
    } catch (e) {
      setError(msg(e));
    }
  }
  useEffect(() => void load(), [props.id]);
  async function vote(v: "include" | "exclude" | "maybe"): Promise<void> {
    const rec = live.current.current;
    if (!rec || live.current.busy) return;
    live.current.busy = true;
    setBusy(true);
    setError(null);
    try {
      await api("POST", `/api/screening/reviews/${props.id}/decisions`, { recordId: rec.id, stage: "title_abstract", vote: v });
      await load(); // retrained queue after every decision
    } catch (e) {
      setError(msg(e));
    } finally {
      setBusy(false);
    }
  }
  const voteRef = useRef(vote);
  voteRef.current = vote;
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLSelectElement || e.ctrlKey || e.metaKey || e.altKey) return;
      const k = e.key.toLowerCase();
      if (k === "i") void voteRef.current("include");
      else if (k === "e") void voteRef.current("exclude");
      else if (k === "m") void voteRef.current("maybe");
      else if (k === "n" || k === "arrowright") setIndex((i) => Math.min(i + 1, Math.max(0, live.current.count - 1)));
      else if (k === "p" || k === "arrowleft") setIndex((i) => Math.max(0, i - 1));
      else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  if (!queue) return error ? <Alert tone="error">{error}</Alert> : <Spinner />;
  return (
    <div class="stack">
      <Alert tone="info"><span data-testid="prioritisation-note">{queue.note}</span></Alert>
      {error ? <Alert tone="error">{error}</Alert> : null}
      <p data-testid="remaining" data-busy={busy ? "1" : "0"}>{queue.remaining} record(s) left for you{queue.prioritised ? ", most likely relevant first" : " (in import order until one include and one exclude are known)"}.</p>
      {queue.stopping ? <p class="muted" data-testid="stopping-aid">{queue.stopping.statement}</p> : null}
      {current ? (
        <Card title={`Record ${index + 1} of ${queue.records.length} shown`} class={busy ? "busy" : undefined} foot={<>
          <Button variant="primary" onClick={() => void vote("include")} busy={busy} data-testid="vote-include">Include (I)</Button>
          <Button onClick={() => void vote("maybe")} busy={busy} data-testid="vote-maybe">Maybe (M)</Button>
          <Button variant="danger" onClick={() => void vote("exclude")} busy={busy} data-testid="vote-exclude">Exclude (E)</Button>
          <Button variant="ghost" onClick={() => setIndex((i) => Math.min(i + 1, queue.records.length - 1))} data-testid="next">Next (N)</Button>
        </>}>
          <RecordCard r={current} />
        </Card>
      ) : <Empty title="Nothing left for you to screen at title/abstract." />}
    </div>
  );
}

interface Conflict { record: Rec; votes: Array<{ reviewer: string; vote: string; reason: string | null }> }
function ConflictsTab(props: { id: string; reasons: string[] }): JSX.Element {
  const [stage, setStage] = useState<"title_abstract" | "full_text">("title_abstract");
  const data = useLoad(() => api<{ conflicts: Conflict[] }>("GET", `/api/screening/reviews/${props.id}/conflicts?stage=${stage}`), [props.id, stage]);
  const [error, setError] = useState<string | null>(null);
  const [reason, setReason] = useState(props.reasons[0] ?? "");
  // how each conflict was settled, in the reviewer's words (the resolution is kept with it)
  const [notes, setNotes] = useState<Record<string, string>>({});
  async function resolve(recordId: string, outcome: "include" | "exclude"): Promise<void> {
    setError(null);
    const note = (notes[recordId] ?? "").trim();
    if (note.length < 3) {
      setError("Say how the conflict was settled (by consensus, by a third reviewer…) before resolving it.");
      return;
    }
    try {
      await api("POST", `/api/screening/reviews/${props.id}/resolutions`, { recordId, stage, outcome, reason: stage === "full_text" && outcome === "exclude" ? reason : null, note });
      data.reload();
    } catch (e) {
      setError(msg(e));
    }
  }
  return (
    <div class="stack">
      <Tabs tabs={[{ id: "title_abstract", label: "Title/abstract" }, { id: "full_text", label: "Full text" }]} value={stage} onChange={setStage} label="Stage" />
      {error ? <Alert tone="error">{error}</Alert> : null}
      {stage === "full_text" ? <label class="field"><span>Reason when excluding</span><select value={reason} onChange={(e) => setReason((e.target as HTMLSelectElement).value)}>{props.reasons.map((r) => <option key={r}>{r}</option>)}</select></label> : null}
      {!data.data ? <Spinner /> : data.data.conflicts.length === 0 ? <Empty title="No open conflict." /> : data.data.conflicts.map((c) => (
        <Card key={c.record.id} title={c.record.title}>
          <div data-testid="conflict" data-record-id={c.record.id}>
            <p>{c.votes.map((v) => `${v.reviewer}: ${v.vote}${v.reason ? ` (${v.reason})` : ""}`).join(" · ")}</p>
            <label class="field">
              <span>How it was settled</span>
              <input class="input" data-testid="resolve-note" value={notes[c.record.id] ?? ""} placeholder="by consensus, by a third reviewer (name)…" onInput={(e) => setNotes({ ...notes, [c.record.id]: (e.target as HTMLInputElement).value })} />
            </label>
            <Button variant="primary" onClick={() => void resolve(c.record.id, "include")} data-testid="resolve-include">Resolve: include</Button> <Button variant="danger" onClick={() => void resolve(c.record.id, "exclude")} data-testid="resolve-exclude">Resolve: exclude</Button>
          </div>
        </Card>
      ))}
    </div>
  );
}

interface FtRecord extends Rec { status: string; outcome: string | null; reason: string | null; votes: number }
function FullTextTab(props: { id: string; reasons: string[] }): JSX.Element {
  const recs = useLoad(() => api<{ records: FtRecord[] }>("GET", `/api/screening/reviews/${props.id}/records?stage=full_text`), [props.id]);
  const mine = useLoad(() => api<{ decisions: Array<{ recordId: string; vote: string; reason: string | null }> }>("GET", `/api/screening/reviews/${props.id}/decisions?stage=full_text`), [props.id]);
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const { user } = useSession();
  async function vote(recordId: string, v: "include" | "exclude"): Promise<void> {
    setError(null);
    try {
      await api("POST", `/api/screening/reviews/${props.id}/decisions`, { recordId, stage: "full_text", vote: v, reason: v === "exclude" ? (reasons[recordId] ?? "") || null : null });
      recs.reload();
      mine.reload();
    } catch (e) {
      setError(msg(e));
    }
  }
  async function notRetrieved(recordId: string): Promise<void> {
    setError(null);
    try {
      await api("POST", `/api/screening/reviews/${props.id}/resolutions`, { recordId, stage: "full_text", outcome: "not_retrieved", note: `report could not be obtained (${user.username})` });
      recs.reload();
    } catch (e) {
      setError(msg(e));
    }
  }
  if (!recs.data) return recs.error ? <Alert tone="error">{recs.error.message}</Alert> : <Spinner />;
  return (
    <div class="stack">
      {error ? <Alert tone="error"><span data-testid="ft-error">{error}</span></Alert> : null}
      {recs.data.records.length === 0 ? <Empty title="No record has reached full text yet." /> : recs.data.records.map((r) => {
        const my = mine.data?.decisions.find((d) => d.recordId === r.id && d.vote !== undefined);
        return (
          <Card key={r.id} title={r.title}>
            <div data-testid="ft-record" data-record-id={r.id}>
              <p class="muted">{r.status === "pending" ? `${r.votes} of 2 votes` : r.status}{r.outcome ? ` · ${r.outcome}${r.reason ? `: ${r.reason}` : ""}` : ""}{my ? ` · your vote: ${my.vote}${my.reason ? ` (${my.reason})` : ""}` : ""}</p>
              {r.status === "pending" && !my ? (
                <div class="row">
                  <Button variant="primary" onClick={() => void vote(r.id, "include")} data-testid="ft-include">Include</Button>
                  <select aria-label="Exclusion reason" data-testid="ft-reason" value={reasons[r.id] ?? ""} onChange={(e) => setReasons({ ...reasons, [r.id]: (e.target as HTMLSelectElement).value })}>
                    <option value="">— reason (required to exclude) —</option>{props.reasons.map((x) => <option key={x}>{x}</option>)}
                  </select>
                  <Button variant="danger" onClick={() => void vote(r.id, "exclude")} data-testid="ft-exclude">Exclude</Button>
                  <Button variant="ghost" onClick={() => void notRetrieved(r.id)} data-testid="ft-not-retrieved">Not retrieved</Button>
                </div>
              ) : null}
            </div>
          </Card>
        );
      })}
    </div>
  );
}

interface PrismaData { counts: Record<string, unknown>; complete: boolean; pending: { titleAbstract: number; fullText: number }; notes: string[]; svg: string | null }
function PrismaTab(props: { id: string }): JSX.Element {
  const data = useLoad(() => api<PrismaData>("GET", `/api/screening/reviews/${props.id}/prisma`), [props.id]);
  const [error, setError] = useState<string | null>(null);
  async function dl(path: string, name: string): Promise<void> {
    try {
      downloadBlob(await apiBlob("GET", `/api/screening/reviews/${props.id}/export/${path}`), name);
    } catch (e) {
      setError(msg(e));
    }
  }
  if (!data.data) return data.error ? <Alert tone="error">{data.error.message}</Alert> : <Spinner />;
  const p = data.data;
  return (
    <div class="stack">
      {error ? <Alert tone="error">{error}</Alert> : null}
      <Card title="PRISMA 2020 flow" foot={<><Button onClick={() => void dl("selection.csv", "selection.csv")} data-testid="export-csv">Included/excluded (CSV)</Button> <Button onClick={() => void dl("prisma.json", "prisma.json")} data-testid="export-prisma">PRISMA counts (JSON)</Button> <Button onClick={() => void dl("included.ris", "included.ris")} data-testid="export-ris">Included reports (RIS)</Button></>}>
        {p.svg ? <Svg markup={p.svg} label="PRISMA 2020 flow diagram" testId="prisma-svg" /> : <Alert tone="warn">The diagram is drawn when screening is finished: {p.pending.titleAbstract} record(s) at title/abstract and {p.pending.fullText} at full text still need votes or a resolution.</Alert>}
        <pre data-testid="prisma-counts">{JSON.stringify(p.counts, null, 2)}</pre>
        <ul>{p.notes.map((n) => <li key={n}>{n}</li>)}</ul>
      </Card>
    </div>
  );
}
