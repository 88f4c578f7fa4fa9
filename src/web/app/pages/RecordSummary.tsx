/** Read-only view of a patient record (researchers): only what was recorded, grouped like the form. */
import { Fragment, type ComponentChildren, type JSX } from "preact";
import type { PatientRecordInput } from "../record.js";
import type { PregnancyLocation } from "../../../clinical/record-terms.js";
import { Alert, Badge, Card, fmtDate } from "../components/ui.js";

type Q = { value: number; unit?: string; date?: string } | undefined;

function q(x: Q): string | null {
  if (!x) return null;
  return `${x.value}${x.unit && x.unit !== "ratio" ? ` ${x.unit}` : ""}${x.date ? ` (${fmtDate(x.date)})` : ""}`;
}

function Facts(props: { rows: Array<[string, ComponentChildren | null | undefined]> }): JSX.Element | null {
  const rows = props.rows.filter((r): r is [string, ComponentChildren] => r[1] !== null && r[1] !== undefined && r[1] !== "");
  if (rows.length === 0) return <p class="small muted" style="margin:0">Nothing recorded.</p>;
  return (
    <dl class="facts">
      {rows.map(([k, v]) => (
        <Fragment key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </Fragment>
      ))}
    </dl>
  );
}

function result(r: { result: string; detail?: string; date?: string } | undefined): ComponentChildren | null {
  if (!r) return null;
  return (
    <>
      <Badge tone={r.result === "normal" || r.result === "negative" ? "ok" : r.result === "abnormal" || r.result === "positive" ? "danger" : "muted"} small>
        {r.result}
      </Badge>
      {r.detail ? ` ${r.detail}` : ""}
      {r.date ? <span class="muted"> · {fmtDate(r.date)}</span> : null}
    </>
  );
}

export function RecordSummary(props: { record: PatientRecordInput; note?: string }): JSX.Element {
  const r = props.record;
  const w = r.workup ?? {};
  const im = r.immune ?? {};
  const s = r.safety ?? {};
  const flags = Object.entries(s).filter(([, v]) => v === true).map(([k]) => k);
  return (
    <div class="stack">
      {props.note ? <Alert tone="info">{props.note}</Alert> : null}
      <div class="grid cols-2">
        <Card title={`Pregnancy losses (${r.losses.length})`} tight>
          {r.losses.length === 0 ? (
            <p class="small muted" style="padding:14px 18px;margin:0">No losses recorded.</p>
          ) : (
            <table class="data compact">
              <thead>
                <tr><th>#</th><th>Date</th><th class="num">Week</th><th>Type</th><th>Embryo karyotype</th></tr>
              </thead>
              <tbody>
                {r.losses.map((l, i) => (
                  <tr key={i}>
                    <td>{i + 1}</td>
                    <td class="num">{fmtDate(l.date)}</td>
                    <td class="num">{l.gestationalWeek}</td>
                    <td>{l.kind}</td>
                    <td>{l.embryoKaryotype ? result(l.embryoKaryotype) : <span class="muted">not tested</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
        <Card title="History">
          <Facts
            rows={[
              ["Age", r.age !== undefined ? `${r.age} years` : null],
              ["Weight", q(r.weight)],
              ["Live births", String(r.liveBirths?.length ?? 0)],
              ["IVF transfers", r.ivf ? String(r.ivf.transfers.length) : null],
              ["Current pregnancy", pregnancyText(r.currentPregnancy)],
            ]}
          />
        </Card>
        <Card title="Standard work-up">
          <Facts
            rows={[
              ["Karyotype (woman)", result(w.karyotypeFemale)],
              ["Karyotype (partner)", result(w.karyotypeMale)],
              ["Uterine anatomy", w.uterineAnatomy ? <>{result(w.uterineAnatomy)} <span class="muted">({w.uterineAnatomy.method})</span></> : null],
              ["Antiphospholipid tests", w.antiphospholipid ? `${w.antiphospholipid.length} test(s)${w.antiphospholipid.length ? `, last ${fmtDate(w.antiphospholipid[w.antiphospholipid.length - 1]?.date)}` : ""}` : null],
              ["TSH", q(w.thyroid?.tsh)],
              ["TPO antibodies", q(w.thyroid?.tpoAb)],
              ["Thrombophilia", result(w.thrombophilia)],
            ]}
          />
        </Card>
        <Card title="Immune panel" actions={<span class="badge warn sm">Research-grade markers</span>}>
          <Facts
            rows={[
              ["Peripheral NK", q(im.peripheralNk)],
              ["NK cytotoxicity", q(im.nkCytotoxicity)],
              ["Uterine NK", q(im.uterineNk)],
              ["Th1/Th2", q(im.th1Th2Ratio)],
              ["TNF-α/IL-10", q(im.tnfIl10Ratio)],
              ["IL-33", q(im.il33)],
              ["sST2", q(im.sst2)],
              ["ANA", im.ana ? `${im.ana.titre}${im.ana.pattern ? ` (${im.ana.pattern})` : ""}` : null],
              ["Anti-paternal antibodies", result(im.antiPaternalAntibodies)],
            ]}
          />
        </Card>
      </div>
      <Card title="Safety">
        <Facts
          rows={[
            ["Flags", flags.length ? flags.join(", ") : null],
            ["Allergies", s.allergies?.length ? s.allergies.join(", ") : null],
            ["TB", s.tb ?? null],
            ["Hepatitis B", s.hepatitisB ?? null],
            ["eGFR", q(s.egfr)],
          ]}
        />
      </Card>
    </div>
  );
}

const LOCATION_TEXT: Readonly<Record<PregnancyLocation, string>> = { intrauterine: "intrauterine on ultrasound", unknown: "location unknown on ultrasound", ectopic: "ectopic" };

/** The current pregnancy in one line: its week or LMP, bleeding, and where the scan places it (null when not pregnant). */
function pregnancyText(cp: { gestationalWeek?: number; lastMenstrualPeriod?: string; bleeding?: boolean; location?: PregnancyLocation } | undefined): string | null {
  if (cp === undefined) return null;
  const parts = [
    cp.gestationalWeek !== undefined ? `week ${cp.gestationalWeek}` : cp.lastMenstrualPeriod !== undefined ? `LMP ${fmtDate(cp.lastMenstrualPeriod)}` : "pregnant, not dated",
    cp.bleeding === undefined ? "bleeding not recorded" : cp.bleeding ? "bleeding" : "no bleeding",
    cp.location === undefined ? "no scan recorded" : LOCATION_TEXT[cp.location],
  ];
  return parts.join(" · ");
}
