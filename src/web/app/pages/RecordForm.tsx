/** The patient record form: history, work-up, immune panel, safety. Errors from the API appear beside their field. */
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api, type ApiIssue, type Patient } from "../api.js";
import { Alert, Button, Card, Icon } from "../components/ui.js";
import {
  CheckField,
  MultiCheck,
  NumberField,
  QuantityField,
  SelectField,
  TextField,
  YesNoField,
  opts,
  useForm,
  useSubmit,
  type FormState,
  type Json,
} from "../components/form.js";
import { UNITS, recordForSave } from "../record.js";
import { LOSS_MECHANISMS, LOSS_MECHANISM_LABELS, PREGNANCY_LOCATIONS, PREGNANCY_LOCATION_LABELS } from "../../../clinical/record-terms.js";

const SECTIONS: Array<[string, string]> = [
  ["sec-identity", "Identity"],
  ["sec-losses", "Pregnancy losses"],
  ["sec-births", "Live births & IVF"],
  ["sec-workup", "Work-up"],
  ["sec-apl", "Antiphospholipid"],
  ["sec-immune", "Immune panel"],
  ["sec-safety", "Safety"],
];

const TREATMENTS = opts(
  ["lmwh-aspirin", "LMWH + aspirin"],
  ["progesterone", "Progesterone"],
  ["prednisolone", "Prednisolone"],
  ["ivig", "IVIG"],
  ["lit", "LIT"],
  ["tacrolimus", "Tacrolimus"],
  ["intralipid", "Intralipid"],
  ["hydroxychloroquine", "Hydroxychloroquine"],
  ["g-csf", "G-CSF"],
  ["tnf-inhibitor", "TNF-α inhibitor"],
  ["il2-treg", "Low-dose IL-2"],
);
const SCREEN = opts(["negative", "Negative"], ["positive", "Positive"], ["immune", "Immune"], ["treated", "Treated"], ["not-tested", "Not tested"]);
const NORMAL_ABNORMAL = opts(["normal", "Normal"], ["abnormal", "Abnormal"]);
/** Issue 9 §2: what clinicians record, in their words (the record's values: src/clinical/record.ts). */
const PREGNANCY_LOCATION = opts(...PREGNANCY_LOCATIONS.map((l): [string, string] => [l, PREGNANCY_LOCATION_LABELS[l]]));
const LOSS_MECHANISM = opts(...LOSS_MECHANISMS.map((m): [string, string] => [m, LOSS_MECHANISM_LABELS[m].replace(/^./, (c) => c.toUpperCase())]));
const TB = opts(["negative", "Negative"], ["latent-untreated", "Latent (IGRA/TST positive), not treated"], ["latent-treated", "Latent, treated"], ["active", "Active TB"], ["positive", "Positive, not yet classified"], ["not-tested", "Not tested"]);
const KARYOTYPE_KIND = opts(["balanced-translocation", "Balanced translocation"], ["robertsonian-translocation", "Robertsonian translocation"], ["inversion", "Inversion"], ["other", "Other"]);
const NK_SPECIMEN = opts(["peripheral-blood", "Peripheral blood"], ["endometrial-biopsy", "Endometrial biopsy"]);

/** One partner's karyotype: result, kind of abnormality, date, detail. */
function KaryotypeFields(props: { form: FormState; who: "Female" | "Male"; placeholder: string }): JSX.Element {
  const path = `record.workup.karyotype${props.who}`;
  return (
    <fieldset class="group">
      <legend>Karyotype, {props.who.toLowerCase()} partner</legend>
      <div class="form-grid">
        <SelectField form={props.form} path={`${path}.result`} label="Result" options={NORMAL_ABNORMAL} />
        <SelectField form={props.form} path={`${path}.abnormality`} label="Kind of abnormality" options={KARYOTYPE_KIND} />
        <TextField form={props.form} path={`${path}.date`} label="Date" type="date" />
        <TextField form={props.form} path={`${path}.detail`} label="Detail" class="span-all" placeholder={props.placeholder} />
      </div>
    </fieldset>
  );
}
const POS_NEG = opts(["negative", "Negative"], ["positive", "Positive"]);
const LAB_FLAG = opts(["normal", "Normal (lab)"], ["elevated", "Elevated (lab)"], ["low", "Low (lab)"]);

function draftOf(p: Patient): Json {
  return { displayName: p.displayName ?? "", dateOfBirth: p.dateOfBirth ?? "", record: (p.record ?? { losses: [] }) as Json };
}

function listLen(form: FormState, path: string): number {
  const v = form.get(path);
  return Array.isArray(v) ? v.length : 0;
}

function Repeat(props: {
  form: FormState;
  path: string;
  title: string;
  addLabel: string;
  blank: Json;
  disabled: boolean;
  row: (base: string, i: number) => JSX.Element;
  empty: string;
}): JSX.Element {
  const n = listLen(props.form, props.path);
  return (
    <div class="stack" data-repeat={props.path}>
      {n === 0 ? <p class="muted small" style="margin:0">{props.empty}</p> : null}
      {Array.from({ length: n }, (_, i) => (
        <div class="repeat-row" key={i} data-row={`${props.path}.${i}`}>
          <span class="idx">
            {props.title} {i + 1}
          </span>
          {props.row(`${props.path}.${i}`, i)}
          {!props.disabled ? (
            <button type="button" class="remove" onClick={() => props.form.set(`${props.path}.${i}`, undefined)} aria-label={`Remove ${props.title.toLowerCase()} ${i + 1}`}>
              Remove
            </button>
          ) : null}
        </div>
      ))}
      {!props.disabled ? (
        <div>
          <Button size="sm" onClick={() => props.form.set(`${props.path}.${n}`, props.blank)}>
            <Icon name="plus" size={14} /> {props.addLabel}
          </Button>
        </div>
      ) : null}
    </div>
  );
}

export function RecordForm(props: { patient: Patient; canEdit: boolean; onSaved: (p: Patient) => void }): JSX.Element {
  const p = props.patient;
  const form = useForm(draftOf(p));
  const [version, setVersion] = useState(p.version);
  const [issues, setIssues] = useState<ApiIssue[]>([]);
  const { busy, error, run } = useSubmit(form);
  const [saved, setSaved] = useState<string | null>(null);
  const ro = !props.canEdit;

  useEffect(() => {
    if (!form.dirty) {
      form.reset(draftOf(p));
      setVersion(p.version);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [p.id, p.version]);

  async function save(e?: Event): Promise<void> {
    setSaved(null);
    await run(
      e ?? null,
      async () => {
        const body = {
          displayName: form.get("displayName") ?? "",
          dateOfBirth: form.get("dateOfBirth") ?? "",
          record: recordForSave(form.get("record")),
          version,
        };
        const r = await api<{ patient: Patient }>("PUT", `/api/patients/${p.id}`, body);
        setIssues([]);
        form.reset(draftOf(r.patient));
        setVersion(r.patient.version);
        setSaved(`Saved as version ${r.patient.version}.`);
        props.onSaved(r.patient);
      },
      (err) => {
        setIssues(err.issues);
        if (err.code === "CONFLICT") return "Someone else saved this record after you opened it. Your changes are still here: copy what you need, then reload the page.";
        return err.issues.length > 0 ? `The record was not saved: ${err.issues.length === 1 ? "one field needs" : `${err.issues.length} fields need`} attention. Nothing you typed was lost.` : err.message;
      },
    );
  }

  function focusField(field: string): void {
    const el = document.querySelector<HTMLElement>(`[name="${CSS.escape(field)}"], [name="${CSS.escape(field + ".value")}"], [data-field="${CSS.escape(field)}"] input, [data-field="${CSS.escape(field)}"] select`);
    el?.focus();
    el?.scrollIntoView({ block: "center" });
  }

  const f = form;
  return (
    <form onSubmit={save} noValidate aria-label="Patient record">
      <div class="grid" style="grid-template-columns:190px minmax(0,1fr);align-items:start">
        <nav class="card no-print" aria-label="Record sections" style="position:sticky;top:72px;padding:8px">
          {SECTIONS.map(([id, label]) => (
            <a key={id} href={`#${id}`} class="btn ghost sm" style="justify-content:flex-start;width:100%" onClick={(e) => { e.preventDefault(); document.getElementById(id)?.scrollIntoView({ behavior: "smooth" }); }}>
              {label}
            </a>
          ))}
          {!ro ? (
            <div style="padding:8px 4px 2px">
              <Button type="submit" variant="primary" class="block" busy={busy}>
                Save record
              </Button>
            </div>
          ) : null}
        </nav>
        <fieldset disabled={ro} style="border:0;padding:0;margin:0;min-width:0">
          <div class="stack">
            {ro ? <Alert tone="info">Read-only view. Researchers see pseudonymised records; clinicians edit.</Alert> : null}
            {error ? (
              <Alert tone="error">
                <div data-testid="save-error">{error}</div>
                {issues.length > 0 ? (
                  <ul style="margin:6px 0 0;padding-left:18px">
                    {issues.map((i) => (
                      <li key={i.field + i.message}>
                        <a href="#" onClick={(e) => { e.preventDefault(); focusField(i.field); }}>
                          <code>{i.field.replace(/^record\./, "")}</code>
                        </a>
                        : {i.message}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </Alert>
            ) : null}
            {saved ? <Alert tone="ok"><span data-testid="save-ok">{saved}</span></Alert> : null}

            <Card id="sec-identity" title="Identity and history">
              <div class="form-grid">
                {p.pseudonymised ? (
                  <div class="field span-2">
                    <span class="label">Pseudonym</span>
                    <span class="pseudo" style="align-self:flex-start">{p.pseudonymId}</span>
                  </div>
                ) : (
                  <TextField form={f} path="displayName" label="Full name" class="span-2" required />
                )}
                <TextField form={f} path="dateOfBirth" label={p.pseudonymised ? "Date of birth (shifted)" : "Date of birth"} type="date" />
                <NumberField form={f} path="record.age" label="Age" unit="years" />
                <QuantityField form={f} path="record.weight" label="Weight" units={UNITS.weight} />
              </div>
              <hr class="divider" />
              <h4 style="margin-bottom:8px">Current pregnancy</h4>
              <div class="form-grid">
                <NumberField form={f} path="record.currentPregnancy.gestationalWeek" label="Gestational week" unit="wk" />
                <TextField form={f} path="record.currentPregnancy.lastMenstrualPeriod" label="Last menstrual period" type="date" />
                <TextField form={f} path="record.currentPregnancy.positiveTestDate" label="Positive test" type="date" />
                <YesNoField form={f} path="record.currentPregnancy.bleeding" label="Bleeding" />
                <SelectField
                  form={f}
                  path="record.currentPregnancy.location"
                  label="Location on ultrasound"
                  emptyLabel="No scan recorded"
                  options={PREGNANCY_LOCATION}
                />
              </div>
            </Card>

            <Card id="sec-losses" title={<span>Pregnancy losses <span class="muted small">({listLen(f, "record.losses")})</span></span>}>
              <Repeat
                form={f}
                path="record.losses"
                title="Loss"
                addLabel="Add a loss"
                blank={{ kind: "clinical" }}
                disabled={ro}
                empty="No losses recorded."
                row={(b) => (
                  <>
                    <TextField form={f} path={`${b}.date`} label="Date" type="date" />
                    <NumberField form={f} path={`${b}.gestationalWeek`} label="Gestational week" unit="wk" required />
                    <SelectField form={f} path={`${b}.kind`} label="Type" emptyLabel="Choose…" options={opts(["biochemical", "Biochemical"], ["clinical", "Clinical"], ["ectopic", "Ectopic"], ["molar", "Molar"])} />
                    <SelectField form={f} path={`${b}.mechanism`} label="Mechanism (where known)" options={LOSS_MECHANISM} />
                    <SelectField form={f} path={`${b}.embryoKaryotype.result`} label="Embryo / POC karyotype" options={opts(["not-tested", "Not tested"], ["normal", "Normal"], ["abnormal", "Abnormal"], ["failed", "Failed"])} />
                    <TextField form={f} path={`${b}.embryoKaryotype.detail`} label="Karyotype detail" placeholder="e.g. 47,XX,+16" />
                    <YesNoField form={f} path={`${b}.fetalHeartActivitySeen`} label="Fetal heart seen" />
                    <details class="span-all treated" open={Array.isArray(f.get(`${b}.treatedWith`))}>
                      <summary class="small">Treatment given in that pregnancy</summary>
                      <MultiCheck form={f} path={`${b}.treatedWith`} label="Treated with" options={TREATMENTS} />
                    </details>
                  </>
                )}
              />
            </Card>

            <Card id="sec-births" title="Live births and IVF">
              <h4 style="margin-bottom:10px">Live births</h4>
              <Repeat
                form={f}
                path="record.liveBirths"
                title="Birth"
                addLabel="Add a live birth"
                blank={{}}
                disabled={ro}
                empty="No live births (primary RPL)."
                row={(b) => (
                  <>
                    <TextField form={f} path={`${b}.date`} label="Date" type="date" />
                    <NumberField form={f} path={`${b}.gestationalWeek`} label="Gestational week" unit="wk" />
                    <YesNoField form={f} path={`${b}.preeclampsiaOrPlacentalInsufficiency`} label="Pre-eclampsia / placental insufficiency" />
                  </>
                )}
              />
              <hr class="divider" />
              <h4 style="margin-bottom:10px">IVF embryo transfers</h4>
              <Repeat
                form={f}
                path="record.ivf.transfers"
                title="Transfer"
                addLabel="Add a transfer"
                blank={{ embryos: 1 }}
                disabled={ro}
                empty="No IVF transfers recorded."
                row={(b) => (
                  <>
                    <TextField form={f} path={`${b}.date`} label="Date" type="date" />
                    <NumberField form={f} path={`${b}.embryos`} label="Embryos" />
                    <SelectField form={f} path={`${b}.quality`} label="Quality" emptyLabel="Choose…" options={opts(["good", "Good"], ["fair", "Fair"], ["poor", "Poor"])} />
                    <SelectField form={f} path={`${b}.stage`} label="Stage" options={opts(["cleavage", "Cleavage"], ["blastocyst", "Blastocyst"])} />
                    <YesNoField form={f} path={`${b}.euploidTested`} label="Euploid (PGT-A)" />
                    <SelectField form={f} path={`${b}.outcome`} label="Outcome" emptyLabel="Choose…" options={opts(["no-implantation", "No implantation"], ["biochemical", "Biochemical"], ["miscarriage", "Miscarriage"], ["ongoing", "Ongoing"], ["live-birth", "Live birth"])} />
                  </>
                )}
              />
            </Card>

            <Card id="sec-workup" title="Standard work-up">
              <div class="grid cols-2">
                <KaryotypeFields form={f} who="Female" placeholder="e.g. 46,XX" />
                <KaryotypeFields form={f} who="Male" placeholder="e.g. 46,XY" />
                <fieldset class="group">
                  <legend>Uterine anatomy</legend>
                  <div class="form-grid">
                    <SelectField form={f} path="record.workup.uterineAnatomy.method" label="Method" options={opts(["3d-ultrasound", "3D ultrasound"], ["hysteroscopy", "Hysteroscopy"], ["sonohysterography", "Sonohysterography"], ["mri", "MRI"], ["2d-ultrasound", "2D ultrasound"])} />
                    <SelectField form={f} path="record.workup.uterineAnatomy.result" label="Result" options={NORMAL_ABNORMAL} />
                    <TextField form={f} path="record.workup.uterineAnatomy.date" label="Date" type="date" />
                    <TextField form={f} path="record.workup.uterineAnatomy.finding" label="Finding" placeholder="e.g. septate uterus" />
                  </div>
                </fieldset>
                <fieldset class="group">
                  <legend>Hereditary thrombophilia</legend>
                  <div class="form-grid">
                    <SelectField form={f} path="record.workup.thrombophilia.result" label="Result" options={NORMAL_ABNORMAL} />
                    <TextField form={f} path="record.workup.thrombophilia.date" label="Date" type="date" />
                    <MultiCheck
                      form={f}
                      path="record.workup.thrombophilia.findings"
                      label="Findings"
                      class="span-all"
                      options={opts(["factor-v-leiden", "Factor V Leiden"], ["prothrombin-g20210a", "Prothrombin G20210A"], ["protein-s-deficiency", "Protein S def."], ["protein-c-deficiency", "Protein C def."], ["antithrombin-deficiency", "Antithrombin def."], ["other", "Other"])}
                    />
                  </div>
                </fieldset>
              </div>
              <fieldset class="group" style="margin-top:16px">
                <legend>Thyroid</legend>
                <div class="form-grid">
                  <TextField form={f} path="record.workup.thyroid.date" label="Date" type="date" />
                  <QuantityField form={f} path="record.workup.thyroid.tsh" label="TSH" units={UNITS.tsh} />
                  <QuantityField form={f} path="record.workup.thyroid.freeT4" label="Free T4" units={UNITS.freeT4} />
                  <QuantityField form={f} path="record.workup.thyroid.tpoAb" label="TPO antibodies" units={UNITS.tpo} />
                  <NumberField form={f} path="record.workup.thyroid.tpoAb.upperLimit" label="TPO upper limit" hint="Lab reference, same unit" />
                </div>
              </fieldset>
            </Card>

            <Card id="sec-apl" title="Antiphospholipid antibodies">
              <p class="small muted">One entry per blood test. Sydney criteria need persistence on two occasions at least 12 weeks apart; give the lab's 99th percentile where known.</p>
              <Repeat
                form={f}
                path="record.workup.antiphospholipid"
                title="Test"
                addLabel="Add an aPL test"
                blank={{}}
                disabled={ro}
                empty="No antiphospholipid tests recorded."
                row={(b) => (
                  <>
                    <TextField form={f} path={`${b}.date`} label="Date" type="date" required />
                    <SelectField form={f} path={`${b}.lupusAnticoagulant`} label="Lupus anticoagulant" options={POS_NEG} />
                    <QuantityField form={f} path={`${b}.aclIgG`} label="aCL IgG" units={UNITS.aclIgG} />
                    <NumberField form={f} path={`${b}.aclIgG.percentile99`} label="aCL IgG 99th pct" />
                    <QuantityField form={f} path={`${b}.aclIgM`} label="aCL IgM" units={UNITS.aclIgM} />
                    <NumberField form={f} path={`${b}.aclIgM.percentile99`} label="aCL IgM 99th pct" />
                    <QuantityField form={f} path={`${b}.b2gpiIgG`} label="Anti-β2GPI IgG" units={UNITS.b2gpiIgG} />
                    <NumberField form={f} path={`${b}.b2gpiIgG.percentile99`} label="β2GPI IgG 99th pct" />
                    <QuantityField form={f} path={`${b}.b2gpiIgM`} label="Anti-β2GPI IgM" units={UNITS.b2gpiIgM} />
                    <NumberField form={f} path={`${b}.b2gpiIgM.percentile99`} label="β2GPI IgM 99th pct" />
                  </>
                )}
              />
            </Card>

            <Card id="sec-immune" title="Immune panel" actions={<span class="badge warn sm" title="ESHRE and RCOG advise against routine immune testing outside research">Research-grade markers</span>}>
              <div class="form-grid">
                <QuantityField form={f} path="record.immune.peripheralNk" label="Peripheral NK (CD56+)" units={UNITS.percent} hint="of lymphocytes" />
                <SelectField form={f} path="record.immune.peripheralNk.specimen" label="Peripheral NK specimen" options={NK_SPECIMEN} />
                <QuantityField form={f} path="record.immune.nkCytotoxicity" label="NK cytotoxicity (25:1)" units={UNITS.percent} />
                <QuantityField form={f} path="record.immune.uterineNk" label="Uterine NK (CD56+)" units={UNITS.percent} hint="of stromal cells" />
                <NumberField form={f} path="record.immune.uterineNk.cycleDay" label="Biopsy cycle day" />
                <SelectField form={f} path="record.immune.uterineNk.specimen" label="Uterine NK specimen" options={NK_SPECIMEN} />
                <NumberField form={f} path="record.immune.th1Th2Ratio.value" label="Th1/Th2 ratio" unit="ratio" />
                <NumberField form={f} path="record.immune.tnfIl10Ratio.value" label="TNF-α/IL-10 ratio" unit="ratio" />
                <QuantityField form={f} path="record.immune.il33" label="IL-33" units={UNITS.cytokine} />
                <SelectField form={f} path="record.immune.il33.labFlag" label="IL-33 lab flag" options={LAB_FLAG} />
                <QuantityField form={f} path="record.immune.sst2" label="sST2" units={UNITS.sst2} />
                <SelectField form={f} path="record.immune.sst2.labFlag" label="sST2 lab flag" options={LAB_FLAG} />
                <TextField form={f} path="record.immune.ana.titre" label="ANA titre" placeholder="1:160 or negative" />
                <TextField form={f} path="record.immune.ana.pattern" label="ANA pattern" placeholder="e.g. speckled" />
                <SelectField form={f} path="record.immune.antiPaternalAntibodies.result" label="Anti-paternal antibodies" options={POS_NEG} />
                <SelectField form={f} path="record.immune.antiPaternalAntibodies.method" label="Method" options={opts(["cdc", "CDC cross-match"], ["flow-crossmatch", "Flow cross-match"])} />
                <TextField form={f} path="record.immune.antiPaternalAntibodies.date" label="Antibody test date" type="date" />
              </div>
              <hr class="divider" />
              <h4 style="margin-bottom:8px">Cytokines</h4>
              <div class="form-grid">
                <QuantityField form={f} path="record.immune.cytokines.ifnGamma" label="IFN-γ" units={UNITS.cytokine} />
                <QuantityField form={f} path="record.immune.cytokines.tnfAlpha" label="TNF-α" units={UNITS.cytokine} />
                <QuantityField form={f} path="record.immune.cytokines.il4" label="IL-4" units={UNITS.cytokine} />
                <QuantityField form={f} path="record.immune.cytokines.il10" label="IL-10" units={UNITS.cytokine} />
                <QuantityField form={f} path="record.immune.cytokines.tgfBeta" label="TGF-β" units={UNITS.cytokine} />
              </div>
            </Card>

            <Card id="sec-safety" title="Safety items">
              <div class="form-grid">
                <SelectField form={f} path="record.safety.tb" label="Tuberculosis" options={TB} />
                <SelectField form={f} path="record.safety.hepatitisB" label="Hepatitis B" options={SCREEN} />
                <QuantityField form={f} path="record.safety.egfr" label="eGFR" units={UNITS.egfr} />
                <QuantityField form={f} path="record.safety.creatinine" label="Creatinine" units={UNITS.creatinine} />
                <QuantityField form={f} path="record.safety.igaLevel" label="Serum IgA" units={UNITS.iga} />
                <SelectField form={f} path="record.safety.antiIgaAntibodies" label="Anti-IgA antibodies" options={opts(["negative", "Negative"], ["positive", "Positive"], ["not-tested", "Not tested"])} />
              </div>
              <div class="form-grid" style="margin-top:10px">
                <CheckField form={f} path="record.safety.igaDeficiency" label="IgA deficiency" />
                <CheckField form={f} path="record.safety.diabetes" label="Diabetes" />
                <CheckField form={f} path="record.safety.hypertension" label="Hypertension" />
                <CheckField form={f} path="record.safety.g6pdDeficiency" label="G6PD deficiency" />
                <CheckField form={f} path="record.safety.retinopathy" label="Retinopathy" />
                <CheckField form={f} path="record.safety.porphyria" label="Porphyria" />
                <CheckField form={f} path="record.safety.liverDisease" label="Liver disease" />
                <CheckField form={f} path="record.safety.psoriasis" label="Psoriasis" />
                <CheckField form={f} path="record.safety.thrombosisHistory" label="History of thrombosis" />
                <CheckField form={f} path="record.safety.bleedingDisorder" label="Bleeding disorder" />
              </div>
              <div style="margin-top:12px">
                <MultiCheck
                  form={f}
                  path="record.safety.allergies"
                  label="Allergies"
                  options={opts(["egg", "Egg"], ["soy", "Soy"], ["peanut", "Peanut"], ["aspirin", "Aspirin"], ["heparin", "Heparin"], ["tacrolimus", "Tacrolimus"], ["blood-products", "Blood products"], ["progesterone", "Progesterone"], ["unidentified", "Substance not identified"])}
                />
              </div>
              <h4 style="margin:12px 0 8px">Current medications</h4>
              <Repeat
                form={f}
                path="record.medications"
                title="Medication"
                addLabel="Add a medication"
                blank={{}}
                disabled={ro}
                empty="None recorded."
                row={(b) => (
                  <>
                    <TextField form={f} path={`${b}.name`} label="Medication" />
                    <TextField form={f} path={`${b}.dose`} label="Dose" placeholder="e.g. 75 mg daily" />
                    <TextField form={f} path={`${b}.since`} label="Since" type="date" />
                  </>
                )}
              />
              <hr class="divider" />
              <h4 style="margin-bottom:8px">Partner screening (lymphocyte donor)</h4>
              <div class="form-grid">
                <SelectField form={f} path="record.partner.hiv" label="HIV" options={SCREEN} />
                <SelectField form={f} path="record.partner.hepatitisB" label="Hepatitis B" options={SCREEN} />
                <SelectField form={f} path="record.partner.hepatitisC" label="Hepatitis C" options={SCREEN} />
              </div>
            </Card>
            {!ro ? (
              <div class="card" style="padding:12px 18px;display:flex;gap:8px;justify-content:flex-end;align-items:center">
                {form.dirty ? <span class="small muted" style="margin-right:auto">Unsaved changes</span> : null}
                <Button type="submit" variant="primary" busy={busy}>
                  Save record
                </Button>
              </div>
            ) : null}
          </div>
        </fieldset>
      </div>
    </form>
  );
}
