// Writes examples/fhir/*.bundle.json: the clinic explainer's two profiles as an EHR would hold them (FHIR R4,
// LOINC / SNOMED CT codes, UCUM units including non-SI ones). Run: node scripts/fhir-examples.mjs
import { writeFileSync } from "node:fs";

const LOINC = "http://loinc.org", SCT = "http://snomed.info/sct", UCUM = "http://unitsofmeasure.org";
const LOCAL = "https://decidua.example/fhir/CodeSystem/rpl";
const INTERP = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
const cc = (system, code, display) => ({ coding: [{ system, code, display }], text: display });
const qty = (value, code, unit = code) => ({ value, unit, system: UCUM, code });
const NEG = cc(SCT, "260385009", "Negative");
const NORMAL = cc(SCT, "17621005", "Normal");
const ABNORMAL = cc(SCT, "263654008", "Abnormal");
const interp = (code, display) => [{ coding: [{ system: INTERP, code, display }] }];
const lab = [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/observation-category", code: "laboratory" }] }];

function bundle(id, resources) {
  return {
    resourceType: "Bundle", id, type: "collection", timestamp: "2026-11-30T09:00:00Z",
    entry: resources.map((r) => ({ fullUrl: `urn:uuid:${r.id}`.replace("urn:uuid:", `https://ehr.example/fhir/${r.resourceType}/`), resource: r })),
  };
}

function profile(p) {
  const pat = `Patient/${p.id}`;
  const obs = (id, code, date, rest) => ({ resourceType: "Observation", id, status: "final", category: lab, code, subject: { reference: pat }, effectiveDateTime: date, ...rest });
  return { pat, obs };
}

// ---- profile (a): four unexplained first-trimester losses, complete negative work-up, raised uterine NK
function profileA() {
  const id = "rpl-a";
  const { pat, obs } = profile({ id });
  const partner = { resourceType: "RelatedPerson", id: "rpl-a-partner", patient: { reference: pat }, gender: "male", relationship: [cc("http://terminology.hl7.org/CodeSystem/v3-RoleCode", "HUSB", "husband")] };
  const focusPartner = { focus: [{ reference: "RelatedPerson/rpl-a-partner" }] };
  const loss = (n, date, ga, unit = "wk") =>
    obs(`rpl-a-loss-${n}`, cc(LOINC, "63893-2", "Outcome of pregnancy"), date, {
      category: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/observation-category", code: "social-history" }] }],
      valueCodeableConcept: cc(SCT, "17369002", "Miscarriage"),
      component: [{ code: cc(LOINC, "18185-9", "Gestational age"), valueQuantity: unit === "wk" ? qty(ga, "wk", "weeks") : qty(ga, "d", "days") }],
    });
  const poc = (n, date, kt) =>
    obs(`rpl-a-poc-${n}`, cc(LOINC, "29770-5", "Karyotype [Identifier] in Blood or Tissue Nominal"), date, {
      focus: [{ reference: `Observation/rpl-a-loss-${n}` }], valueString: kt, interpretation: interp("N", "Normal"),
      specimen: { display: "Products of conception" },
    });
  return bundle("profile-a", [
    { resourceType: "Patient", id, identifier: [{ system: "https://ehr.example/mrn", value: "A-1001" }], name: [{ given: ["Asha"], family: "Example" }], gender: "female", birthDate: "1993-05-10" },
    partner,
    obs("rpl-a-weight", cc(LOINC, "29463-7", "Body weight"), "2024-04-02", { category: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/observation-category", code: "vital-signs" }] }], valueQuantity: qty(138.9, "[lb_av]", "lb") }),
    loss(1, "2022-03-10", 7), loss(2, "2022-11-02", 58, "d"), loss(3, "2023-06-20", 6), loss(4, "2024-02-14", 9),
    poc(2, "2022-11-20", "46,XX"), poc(4, "2024-03-01", "46,XY"),
    obs("rpl-a-abortions", cc(LOINC, "11612-9", "[#] Abortions"), "2024-04-02", { valueQuantity: { value: 4 } }),
    { resourceType: "Condition", id: "rpl-a-rm", clinicalStatus: cc("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", "Active"), code: cc(SCT, "102878001", "Recurrent miscarriage"), subject: { reference: pat }, recordedDate: "2024-03-01" },
    obs("rpl-a-karyotype", cc(LOINC, "29770-5", "Karyotype [Identifier] in Blood or Tissue Nominal"), "2024-04-02", { valueString: "46,XX", interpretation: interp("N", "Normal") }),
    obs("rpl-a-karyotype-partner", cc(LOINC, "29770-5", "Karyotype [Identifier] in Blood or Tissue Nominal"), "2024-04-02", { ...focusPartner, valueString: "46,XY", interpretation: interp("N", "Normal") }),
    { resourceType: "Procedure", id: "rpl-a-hysteroscopy", status: "completed", code: cc(SCT, "88355005", "Diagnostic hysteroscopy"), subject: { reference: pat }, performedDateTime: "2024-05-15", outcome: NORMAL },
    obs("rpl-a-la", cc(LOINC, "75514-0", "Lupus anticoagulant two screening tests W Reflex [interpretation]"), "2024-04-02", { valueCodeableConcept: NEG }),
    obs("rpl-a-acl-igg", cc(LOINC, "3181-5", "Cardiolipin IgG Ab [Units/volume] in Serum"), "2024-04-02", { valueQuantity: qty(4, "[GPL'U]/mL", "GPL U/mL") }),
    obs("rpl-a-acl-igm", cc(LOINC, "3182-3", "Cardiolipin IgM Ab [Units/volume] in Serum"), "2024-04-02", { valueQuantity: qty(3, "[MPL'U]/mL", "MPL U/mL") }),
    obs("rpl-a-b2gpi-igg", cc(LOINC, "44448-9", "Beta 2 glycoprotein 1 IgG Ab [Units/volume] in Serum"), "2024-04-02", { valueQuantity: qty(2, "U/mL"), referenceRange: [{ high: qty(20, "U/mL") }] }),
    obs("rpl-a-b2gpi-igm", cc(LOINC, "44449-7", "Beta 2 glycoprotein 1 IgM Ab [Units/volume] in Serum"), "2024-04-02", { valueQuantity: qty(1, "U/mL"), referenceRange: [{ high: qty(20, "U/mL") }] }),
    obs("rpl-a-tsh", cc(LOINC, "3016-3", "Thyrotropin [Units/volume] in Serum or Plasma"), "2024-04-02", { valueQuantity: qty(1.6, "u[IU]/mL", "µIU/mL") }),
    obs("rpl-a-tpo", cc(LOINC, "8099-4", "Thyroperoxidase Ab [Units/volume] in Serum or Plasma"), "2024-04-02", { valueQuantity: qty(12, "[IU]/mL", "IU/mL") }),
    { resourceType: "DiagnosticReport", id: "rpl-a-thrombophilia", status: "final", code: cc(LOCAL, "thrombophilia-screen", "Thrombophilia screen"), subject: { reference: pat }, effectiveDateTime: "2024-04-02", conclusion: "No inherited thrombophilia detected", conclusionCode: [NORMAL] },
    obs("rpl-a-unk", cc(LOCAL, "uterine-nk-percent", "Uterine NK cells CD56+ / stromal cells (endometrial biopsy, day 21)"), "2024-06-12", { valueQuantity: qty(9.5, "%"), interpretation: interp("H", "High") }),
    obs("rpl-a-pnk", cc(LOCAL, "peripheral-nk-percent", "NK cells CD3-CD56+ / lymphocytes"), "2024-04-02", { valueQuantity: qty(10.2, "%") }),
    obs("rpl-a-tb", cc(LOCAL, "tb-screen", "Tuberculosis screen (IGRA)"), "2024-04-02", { valueCodeableConcept: NEG }),
    obs("rpl-a-hbsag", cc(LOINC, "5196-1", "Hepatitis B virus surface Ag [Presence] in Serum"), "2024-04-02", { valueCodeableConcept: NEG }),
    obs("rpl-a-p-hiv", cc(LOINC, "75622-1", "HIV 1 and 2 Ab and HIV1 p24 Ag [Presence] in Serum or Plasma"), "2024-04-02", { ...focusPartner, valueCodeableConcept: NEG }),
    obs("rpl-a-p-hbsag", cc(LOINC, "5196-1", "Hepatitis B virus surface Ag [Presence] in Serum"), "2024-04-02", { ...focusPartner, valueCodeableConcept: NEG }),
    obs("rpl-a-p-hcv", cc(LOINC, "16128-1", "Hepatitis C virus Ab [Presence] in Serum"), "2024-04-02", { ...focusPartner, valueCodeableConcept: NEG }),
    obs("rpl-a-hb", cc(LOINC, "718-7", "Hemoglobin [Mass/volume] in Blood"), "2024-04-02", { valueQuantity: qty(12.9, "g/dL") }),
    { resourceType: "AllergyIntolerance", id: "rpl-a-nka", clinicalStatus: cc("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active", "Active"), verificationStatus: cc("http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "confirmed", "Confirmed"), code: cc(SCT, "716186003", "No known allergy"), patient: { reference: pat } },
    { resourceType: "MedicationStatement", id: "rpl-a-folate", status: "active", medicationCodeableConcept: cc("http://www.nlm.nih.gov/research/umls/rxnorm", "4511", "Folic acid"), subject: { reference: pat }, effectiveDateTime: "2024-01-01" },
  ]);
}

// ---- profile (b): two losses, one with an abnormal products-of-conception karyotype, incomplete work-up
function profileB() {
  const id = "rpl-b";
  const { pat, obs } = profile({ id });
  const loss = (n, date, ga) =>
    obs(`rpl-b-loss-${n}`, cc(LOINC, "63893-2", "Outcome of pregnancy"), date, {
      valueCodeableConcept: cc(SCT, "17369002", "Miscarriage"),
      component: [{ code: cc(LOINC, "18185-9", "Gestational age"), valueQuantity: qty(ga, "wk", "weeks") }],
    });
  return bundle("profile-b", [
    { resourceType: "Patient", id, name: [{ given: ["Bea"], family: "Example" }], gender: "female", birthDate: "1995-03-02" },
    obs("rpl-b-weight", cc(LOINC, "29463-7", "Body weight"), "2024-07-01", { valueQuantity: qty(58, "kg") }),
    loss(1, "2023-09-01", 8), loss(2, "2024-05-20", 6),
    obs("rpl-b-poc-1", cc(LOINC, "29770-5", "Karyotype [Identifier] in Blood or Tissue Nominal"), "2023-09-20", { focus: [{ reference: "Observation/rpl-b-loss-1" }], valueString: "47,XX,+16", interpretation: interp("A", "Abnormal") }),
    obs("rpl-b-tsh", cc(LOINC, "3016-3", "Thyrotropin [Units/volume] in Serum or Plasma"), "2024-07-01", { valueQuantity: qty(1.9, "m[IU]/L", "mIU/L") }),
  ]);
}

for (const [name, b] of [["profile-a", profileA()], ["profile-b", profileB()]]) writeFileSync(`examples/fhir/${name}.bundle.json`, JSON.stringify(b, null, 2) + "\n");
