# Development aid (issue 9 checks): writes vignettes v31+ from a normal base record. Each has a clinical rationale
# and hand-written expected statuses for the therapies the rationale is about ("key"); fill-vignettes.ts adds the
# other therapies from the rules and fails when a hand-written status disagrees.
import copy, json, os
D = os.path.join(os.path.dirname(__file__), "..", "examples", "patients", "vignettes")

def L(week, date, kind="clinical", **kw):
    x = {"date": date, "gestationalWeek": week, "kind": kind}; x.update(kw); return x

EARLY3 = [L(6, "2021-03-15"), L(7, "2021-10-15"), L(8, "2022-03-15")]
EARLY4 = EARLY3 + [L(7, "2023-01-10")]
EARLY5 = EARLY4 + [L(6, "2023-09-10")]
BASE = {
  "age": 34, "weight": {"value": 64, "unit": "kg"}, "losses": EARLY3,
  "workup": {
    "karyotypeFemale": {"result": "normal", "detail": "46,XX"}, "karyotypeMale": {"result": "normal", "detail": "46,XY"},
    "uterineAnatomy": {"method": "3d-ultrasound", "result": "normal"},
    "antiphospholipid": [{"date": "2024-04-02", "lupusAnticoagulant": "negative", "aclIgG": {"value": 5, "unit": "GPL"}, "aclIgM": {"value": 4, "unit": "MPL"}}],
    "thyroid": {"date": "2024-04-02", "tsh": {"value": 1.8, "unit": "mU/L"}, "tpoAb": {"value": 10, "unit": "kU/L"}},
    "thrombophilia": {"result": "normal"}},
  "immune": {},
  "safety": {"igaDeficiency": False, "allergies": [], "tb": "negative", "hepatitisB": "negative", "diabetes": False, "hypertension": False,
             "egfr": {"value": 105, "unit": "mL/min/1.73m2"}, "g6pdDeficiency": False, "retinopathy": False, "porphyria": False,
             "liverDisease": False, "psoriasis": False, "thrombosisHistory": False, "bleedingDisorder": False},
  "partner": {"hiv": "negative", "hepatitisB": "negative", "hepatitisC": "negative"},
}
UNK = {"uterineNk": {"value": 9, "unit": "%", "specimen": "endometrial-biopsy"}}
LA_PERSIST = [{"date": "2024-01-10", "lupusAnticoagulant": "positive", "aclIgG": {"value": 5, "unit": "GPL"}, "aclIgM": {"value": 4, "unit": "MPL"}},
              {"date": "2024-04-20", "lupusAnticoagulant": "positive", "aclIgG": {"value": 6, "unit": "GPL"}, "aclIgM": {"value": 4, "unit": "MPL"}}]

def V(key, description, rationale, key_status, losses=None, immune=None, safety=None, workup=None, drop=(), extra=None):
    r = copy.deepcopy(BASE)
    r["id"] = key.split("-")[0]
    if losses is not None: r["losses"] = losses
    if immune is not None: r["immune"] = immune
    if safety is not None: r["safety"].update(safety)
    if workup is not None: r["workup"].update(workup)
    for d in drop:
        parts = d.split("."); o = r
        for p in parts[:-1]: o = o[p]
        del o[parts[-1]]
    if extra is not None: r.update(extra)
    return key, description, rationale, key_status, r

PREG = lambda week, lmp, bleeding=None: {"currentPregnancy": dict({"gestationalWeek": week, "lastMenstrualPeriod": lmp}, **({} if bleeding is None else {"bleeding": bleeding}))}

CASES = [
 V("v31-cervical-insufficiency-second-trimester", "1 early loss and 2 second-trimester losses from cervical insufficiency, uNK 9%",
   "Painless dilatation at 18 and 20 weeks is cervical insufficiency (cerclage), not an unexplained immunological loss: immunotherapies are not indicated (pattern), nothing is premature.",
   {"lit": "not-indicated", "prednisolone": "not-indicated", "ivig": "not-indicated", "lmwh-aspirin": "not-indicated"},
   losses=[L(7, "2021-03-15"), L(18, "2022-02-10", mechanism="cervical-insufficiency", trimester=2), L(20, "2023-05-02", mechanism="cervical-insufficiency", trimester=2)], immune=UNK),
 V("v32-three-early-plus-cervical-insufficiency", "3 unexplained early losses and 1 cervical-insufficiency loss at 19 weeks, uNK 9%",
   "The three early losses meet the 3-loss protocols (LIT, prednisolone); the cervical loss does not make up IVIG's fourth unexplained loss.",
   {"lit": "protocol-eligible", "prednisolone": "protocol-eligible", "ivig": "not-indicated"},
   losses=EARLY3 + [L(19, "2023-06-01", mechanism="cervical-insufficiency")], immune=UNK),
 V("v33-second-trimester-fetal-death", "losses at 6 and 7 weeks and a fetal death at 16 weeks (normal karyotype), uNK 9%",
   "LIT selects first-trimester losses (2 here: not its pattern); prednisolone counts any unexplained loss (3).",
   {"lit": "not-indicated", "prednisolone": "protocol-eligible"},
   losses=[L(6, "2021-03-15"), L(7, "2021-10-15"), L(16, "2022-08-15", mechanism="fetal-death", embryoKaryotype={"result": "normal"})], immune=UNK),
 V("v34-apl-persistent-pre-viable-delivery", "persistent LA with an early loss and a pre-viable delivery at 18 weeks",
   "A pre-viable delivery is not a fetal death ≥10 weeks (Sydney): no APS, persistent aPL with 2 losses is a research-setting indication.",
   {"lmwh-aspirin": "protocol-eligible", "hydroxychloroquine": "not-indicated"},
   losses=[L(7, "2021-03-15"), L(18, "2022-09-01", mechanism="pre-viable-delivery", embryoKaryotype={"result": "normal"})], workup={"antiphospholipid": LA_PERSIST}),
 V("v35-apl-persistent-mechanism-unrecorded", "persistent LA with an early loss and a loss at 15 weeks whose mechanism is not recorded",
   "Whether the 15-week loss was a fetal death decides the Sydney clinical criterion: record it (premature, a named step), never assumed.",
   {"lmwh-aspirin": "premature"},
   losses=[L(7, "2021-03-15"), L(15, "2022-09-01", embryoKaryotype={"result": "normal"})], workup={"antiphospholipid": LA_PERSIST}),
 V("v36-ectopic-and-molar-not-counted", "2 early losses, an ectopic and a molar pregnancy",
   "Ectopic and molar pregnancies are not counted for RPL: 2 losses, below every immunotherapy's loss criterion.",
   {"lit": "not-indicated", "tacrolimus": "not-indicated", "lmwh-aspirin": "not-indicated"},
   losses=[L(6, "2021-03-15"), L(7, "2021-10-15"), L(7, "2022-05-01", kind="ectopic", mechanism="ectopic"), L(10, "2023-02-01", kind="molar", mechanism="molar")], immune={"th1Th2Ratio": {"value": 14}}),
 V("v37-latent-tb-untreated", "3 losses, TNF-α/IL-10 35, latent TB (IGRA positive) not treated",
   "Untreated latent TB is a harm with TNF-α inhibitors (reactivation): contraindicated; steroids only need caution.",
   {"tnf-inhibitor": "contraindicated", "lit": "protocol-eligible"},
   immune={"tnfIl10Ratio": {"value": 35}}, safety={"tb": "latent-untreated"}),
 V("v38-latent-tb-treated", "3 losses, TNF-α/IL-10 35, latent TB treated",
   "Treated latent TB is a caution for TNF-α inhibitors, not a contraindication: protocol-eligible with monitoring.",
   {"tnf-inhibitor": "protocol-eligible"},
   immune={"tnfIl10Ratio": {"value": 35}}, safety={"tb": "latent-treated"}),
 V("v39-active-tb-unk", "3 losses, uNK 9%, active tuberculosis",
   "Active TB is a harm with systemic steroids and TNF-α inhibitors: prednisolone contraindicated.",
   {"prednisolone": "contraindicated", "tnf-inhibitor": "contraindicated"},
   immune=UNK, safety={"tb": "active"}),
 V("v40-iga-low-no-anti-iga", "4 losses, IgA 0.05 g/L, anti-IgA antibodies negative",
   "IgA deficiency without anti-IgA antibodies: IVIG with an IgA-depleted product is a caution, not a contraindication.",
   {"ivig": "protocol-eligible"},
   losses=EARLY4, safety={"igaDeficiency": True, "igaLevel": {"value": 0.05, "unit": "g/L"}, "antiIgaAntibodies": "negative"}),
 V("v41-iga-low-anti-iga-positive", "4 losses, IgA 0.05 g/L with anti-IgA antibodies",
   "Anti-IgA antibodies in IgA deficiency: anaphylaxis risk with IVIG, contraindicated.",
   {"ivig": "contraindicated"},
   losses=EARLY4, safety={"igaDeficiency": True, "igaLevel": {"value": 0.05, "unit": "g/L"}, "antiIgaAntibodies": "positive"}),
 V("v42-iga-level-normal", "4 losses, IgA 2.1 g/L",
   "A normal IgA level: no IgA safety problem for IVIG.",
   {"ivig": "protocol-eligible", "g-csf": "protocol-eligible"},
   losses=EARLY4, safety={"igaLevel": {"value": 2.1, "unit": "g/L"}}),
 V("v43-iga-mg-dl-low", "4 losses, IgA 4 mg/dL (0.04 g/L), no deficiency flag, anti-IgA not tested",
   "4 mg/dL is 0.04 g/L, below 0.07 g/L: IgA deficiency read from the level; anti-IgA untested, so IVIG is contraindicated.",
   {"ivig": "contraindicated"},
   losses=EARLY4, safety={"igaDeficiency": None, "igaLevel": {"value": 4, "unit": "mg/dL"}}),
 V("v44-pregnant-unk-preconception-protocols", "3 losses, uNK 9%, now 6 weeks pregnant without bleeding",
   "Prednisolone (Tang) and LIT start before conception: not protocol-eligible in a pregnancy already under way; progesterone without bleeding is not indicated.",
   {"prednisolone": "not-indicated", "lit": "not-indicated", "progesterone": "not-indicated"},
   immune=UNK, extra=PREG(6, "2025-01-04", False)),
 V("v45-pregnant-four-losses-ivig", "4 losses, now 5 weeks pregnant, bleeding not recorded",
   "Yamada's IVIG starts at 4–6 weeks of pregnancy: protocol-eligible; G-CSF (from ovulation) cannot start now; progesterone needs the bleeding recorded.",
   {"ivig": "protocol-eligible", "g-csf": "not-indicated", "progesterone": "premature"},
   losses=EARLY4, extra=PREG(5, "2025-01-11")),
 V("v46-pregnant-pnk-intralipid", "3 losses, peripheral NK 15%, now 5 weeks pregnant without bleeding",
   "Intralipid is given in pregnancy (protocol-eligible) and its headline says the RCT in this selection found no benefit; LIT starts before conception.",
   {"intralipid": "protocol-eligible", "lit": "not-indicated"},
   immune={"peripheralNk": {"value": 15, "unit": "%", "specimen": "peripheral-blood"}}, extra=PREG(5, "2025-01-11", False)),
 V("v47-three-losses-four-loss-protocols", "3 unexplained losses, complete work-up, Th1/Th2 14",
   "IVIG (Yamada) and G-CSF (Scarpellini) select 4 or more losses: not-indicated naming the protocol, never premature; tacrolimus (3 losses) is eligible.",
   {"ivig": "not-indicated", "g-csf": "not-indicated", "tacrolimus": "protocol-eligible", "il2-treg": "not-indicated"},
   immune={"th1Th2Ratio": {"value": 14}}),
 V("v48-four-losses-primary", "4 unexplained primary losses, complete work-up",
   "Four unexplained losses meet Yamada (IVIG) and Scarpellini (G-CSF, primary RPL); FACIL-2 asks for 5 early losses.",
   {"ivig": "protocol-eligible", "g-csf": "protocol-eligible", "il2-treg": "not-indicated"},
   losses=EARLY4),
 V("v49-five-early-losses", "5 unexplained first-trimester losses, complete work-up",
   "Five unexplained early losses meet FACIL-2 (low-dose IL-2, trial only).",
   {"il2-treg": "protocol-eligible", "ivig": "protocol-eligible"},
   losses=EARLY5),
 V("v50-four-losses-no-thrombophilia-screen", "4 losses, thrombophilia screen not done",
   "A named investigation (thrombophilia screen) is pending: IVIG is premature until it is done.",
   {"ivig": "premature"},
   losses=EARLY4, drop=("workup.thrombophilia",)),
 V("v51-uterine-anatomy-not-done", "3 losses, uNK 9%, uterine anatomy not assessed",
   "A uterine anomaly would explain the losses: prednisolone and LIT are premature until 3D ultrasound is done.",
   {"prednisolone": "premature", "lit": "premature"},
   immune=UNK, drop=("workup.uterineAnatomy",)),
 V("v52-apl-same-day-conflict", "3 losses, uNK 9%, two aPL panels on the same day disagreeing on LA",
   "Two same-day panels that disagree are a conflict: neither wins, a repeat is asked for (premature, conflicting results).",
   {"lmwh-aspirin": "premature", "prednisolone": "premature"},
   immune=UNK, workup={"antiphospholipid": [{"date": "2024-04-02", "lupusAnticoagulant": "positive", "aclIgG": {"value": 5, "unit": "GPL"}, "aclIgM": {"value": 4, "unit": "MPL"}},
                                            {"date": "2024-04-02", "lupusAnticoagulant": "negative", "aclIgG": {"value": 5, "unit": "GPL"}, "aclIgM": {"value": 4, "unit": "MPL"}}]}),
 V("v53-apl-same-day-agree", "3 losses, uNK 9%, two negative aPL panels on the same day",
   "Same-day panels that agree are no conflict: work-up complete, prednisolone eligible, heparin not indicated.",
   {"lmwh-aspirin": "not-indicated", "prednisolone": "protocol-eligible"},
   immune=UNK, workup={"antiphospholipid": [{"date": "2024-04-02", "lupusAnticoagulant": "negative", "aclIgG": {"value": 5, "unit": "GPL"}, "aclIgM": {"value": 4, "unit": "MPL"}},
                                            {"date": "2024-04-02", "lupusAnticoagulant": "negative", "aclIgG": {"value": 3, "unit": "GPL"}, "aclIgM": {"value": 2, "unit": "MPL"}}]}),
 V("v54-paternal-inversion", "3 losses, uNK 9%, partner's karyotype with an inversion",
   "A parental chromosomal abnormality explains losses and has its own management (genetic counselling): immunotherapies not indicated.",
   {"lit": "not-indicated", "prednisolone": "not-indicated", "lmwh-aspirin": "not-indicated"},
   immune=UNK, workup={"karyotypeMale": {"result": "abnormal", "abnormality": "inversion", "detail": "46,XY,inv(9)(p11q13)"}}),
 V("v55-maternal-robertsonian", "3 losses, Th1/Th2 14, maternal Robertsonian translocation",
   "A Robertsonian translocation explains losses (PGT-SR, counselling): tacrolimus not indicated.",
   {"tacrolimus": "not-indicated", "lit": "not-indicated"},
   immune={"th1Th2Ratio": {"value": 14}}, workup={"karyotypeFemale": {"result": "abnormal", "abnormality": "robertsonian-translocation", "detail": "45,XX,der(13;14)"}}),
 V("v56-prothrombin-variant", "3 losses, prothrombin G20210A",
   "Hereditary thrombophilia: heparin not indicated (ESHRE 2017, ALIFE2), not contraindicated (no harm).",
   {"lmwh-aspirin": "not-indicated"},
   workup={"thrombophilia": {"result": "abnormal", "findings": ["prothrombin-g20210a"]}}),
 V("v57-active-infection-th1th2", "3 losses, Th1/Th2 14, active systemic infection",
   "An active infection is a harm with tacrolimus: contraindicated until treated.",
   {"tacrolimus": "contraindicated", "lit": "protocol-eligible"},
   immune={"th1Th2Ratio": {"value": 14}}, safety={"activeInfection": True}),
 V("v58-sickle-cell-gcsf", "4 unexplained primary losses, sickle cell disease",
   "G-CSF can precipitate sickle crises: contraindicated; IVIG unaffected.",
   {"g-csf": "contraindicated", "ivig": "protocol-eligible"},
   losses=EARLY4, safety={"sickleCellDisease": True}),
 V("v59-five-losses-active-infection", "5 early losses, active infection",
   "Low-dose IL-2 with an active infection: contraindicated; prednisolone, TNF inhibitors and tacrolimus likewise.",
   {"il2-treg": "contraindicated", "tacrolimus": "contraindicated"},
   losses=EARLY5, safety={"activeInfection": True}),
 V("v60-unk-specimen-recorded", "3 losses, uterine NK 6% on an endometrial biopsy (specimen recorded)",
   "uNK 6% ≥ 5% (Quenby 2005) on the stated specimen: prednisolone eligible.",
   {"prednisolone": "protocol-eligible"},
   immune={"uterineNk": {"value": 6, "unit": "%", "specimen": "endometrial-biopsy", "cycleDay": 21}}),
 V("v61-tacrolimus-current-medications", "3 losses, Th1/Th2 14, on clarithromycin",
   "A CYP3A4 inhibitor is an interaction caution for tacrolimus (named in its safety checks), not a contraindication.",
   {"tacrolimus": "protocol-eligible"},
   immune={"th1Th2Ratio": {"value": 14}}, extra={"medications": [{"name": "clarithromycin", "dose": "500 mg twice daily", "since": "2025-02-01"}]}),
 V("v62-biochemical-losses", "3 biochemical losses at 4–5 weeks, uNK 9%",
   "Biochemical losses count for ESHRE and RCOG: three unexplained early losses, LIT and prednisolone eligible.",
   {"lit": "protocol-eligible", "prednisolone": "protocol-eligible"},
   losses=[L(4, "2021-03-15", "biochemical"), L(5, "2021-10-15", "biochemical"), L(5, "2022-03-15", "biochemical")], immune=UNK),
 V("v63-single-loss", "1 loss, uNK 9%",
   "One loss is not RPL: nothing is indicated and nothing is premature (no wait for another loss).",
   {"lit": "not-indicated", "prednisolone": "not-indicated", "lmwh-aspirin": "not-indicated", "ivig": "not-indicated"},
   losses=[L(7, "2022-03-15")], immune=UNK),
 V("v64-rif-no-losses-pnk", "no losses, 3 failed transfers of 5 good embryos, peripheral NK 15%",
   "RIF (Coughlan 2014) is accepted by the LIT and intralipid protocols; prednisolone selects losses.",
   {"lit": "protocol-eligible", "intralipid": "protocol-eligible", "prednisolone": "not-indicated"},
   losses=[], immune={"peripheralNk": {"value": 15, "unit": "%", "specimen": "peripheral-blood"}},
   extra={"ivf": {"transfers": [{"date": "2023-01-10", "embryos": 2, "quality": "good", "outcome": "no-implantation"}, {"date": "2023-06-10", "embryos": 2, "quality": "good", "outcome": "no-implantation"}, {"date": "2024-01-10", "embryos": 1, "quality": "good", "outcome": "biochemical"}]}}),
 V("v65-pregnant-hcq", "3 unexplained losses, now 6 weeks pregnant with bleeding",
   "The HCQ RCT starts before conception: not in an ongoing pregnancy; bleeding after losses: progesterone recommended.",
   {"hydroxychloroquine": "not-indicated", "progesterone": "recommended"},
   extra=PREG(6, "2025-01-04", True)),
 V("v66-pregnant-aps", "APS (LA persistent) with 3 early losses, now 6 weeks pregnant",
   "Heparin + aspirin is started in pregnancy too (ESHRE 2017, ACR 2020): recommended.",
   {"lmwh-aspirin": "recommended", "lit": "not-indicated"},
   workup={"antiphospholipid": LA_PERSIST}, extra=PREG(6, "2025-01-04", False)),
 V("v67-five-losses-thyroid-not-done", "5 early losses, thyroid function not tested",
   "Thyroid function is a named investigation that could explain the losses: the 5-loss IL-2 trial and IVIG are premature until it is done.",
   {"il2-treg": "premature", "ivig": "premature"},
   losses=EARLY5, drop=("workup.thyroid",)),
]

def clean(o):
    if isinstance(o, dict): return {k: clean(v) for k, v in o.items() if v is not None}
    if isinstance(o, list): return [clean(v) for v in o]
    return o

spec = {}
for key, desc, why, ks, rec in CASES:
    rec = clean(rec)
    out = {"$schema": "../../../schemas/patient-record.schema.json"}; out.update(rec)
    with open(os.path.join(D, key + ".json"), "w") as f: f.write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    spec[key] = {"description": desc, "rationale": why, "today": "2025-02-15", "key": ks}
with open(os.path.join(os.path.dirname(__file__), "new-vignettes.json"), "w") as f: json.dump(spec, f, indent=1, ensure_ascii=False)
print(len(CASES))
