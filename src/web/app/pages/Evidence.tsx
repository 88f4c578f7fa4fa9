/** Evidence browser: therapies on the left, the chosen therapy's evidence on the right. */
import type { JSX } from "preact";
import { Card, PageHead, Spinner } from "../components/ui.js";
import { EvidenceDetail } from "../components/EvidencePanel.js";
import { EvidenceNetwork } from "../components/EvidenceNetwork.js";
import { useTherapies } from "../hooks.js";

export function EvidencePage(props: { therapy: string | null }): JSX.Element {
  const therapies = useTherapies();
  const current = props.therapy ?? therapies[0]?.id ?? null;
  return (
    <>
      <PageHead title="Evidence browser" sub="Per therapy and outcome: Summary of Findings, published results side by side with the reviews' PRISMA flows, forest and risk-of-bias plots, and the audit of published numbers." />
      <div class="grid" style="grid-template-columns:240px minmax(0,1fr);align-items:start">
        <nav class="card" aria-label="Therapies" style="padding:6px;position:sticky;top:72px">
          {therapies.length === 0 ? <div style="padding:10px"><Spinner /></div> : null}
          {therapies.map((t) => (
            <a
              key={t.id}
              href={`/evidence/${t.id}`}
              class="btn ghost sm"
              style="justify-content:flex-start;width:100%;white-space:normal;height:auto;min-height:30px;padding:6px 10px;text-align:left"
              aria-current={t.id === current ? "page" : undefined}
              data-therapy-link={t.id}
            >
              {t.name}
            </a>
          ))}
          <a href="/evidence/network" class="btn ghost sm" style="justify-content:flex-start;width:100%;white-space:normal;height:auto;min-height:30px;padding:6px 10px;text-align:left;margin-top:6px;border-top:1px solid var(--line, #ddd)" aria-current={current === "network" ? "page" : undefined} data-therapy-link="network">
            All therapies: live-birth network
          </a>
        </nav>
        <div>{current === "network" ? <EvidenceNetwork /> : current ? <EvidenceDetail key={current} therapy={current} /> : <Card><Spinner /></Card>}</div>
      </div>
    </>
  );
}
