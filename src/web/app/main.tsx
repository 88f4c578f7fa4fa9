/** Entry point of the browser application: session check, shell, routes. */
import { Fragment, render, type ComponentChildren, type JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { api, setCsrfToken, setUnauthenticatedHandler, type User } from "./api.js";
import { Icon, Logo, Spinner, initials } from "./components/ui.js";
import { installLinkInterceptor, matchPath, navigate, useLocation } from "./router.js";
import { SessionContext } from "./session.js";
import { LoginPage } from "./pages/Login.js";
import { PatientsPage, NewPatientPage } from "./pages/Patients.js";
import { PatientPage } from "./pages/Patient.js";
import { EvidencePage } from "./pages/Evidence.js";
import { WorkbenchPage } from "./pages/Workbench.js";
import { WorkbenchNmaPage } from "./pages/WorkbenchNma.js";
import { WorkbenchTsaPage } from "./pages/WorkbenchTsa.js";
import { AdminUsersPage, AdminAuditPage } from "./pages/Admin.js";
import { AdminEhrPage } from "./pages/AdminEhr.js";
import { PasswordPage } from "./pages/Password.js";
import { ResearchPage } from "./pages/Research.js";
import { TrialPage, TrialsPage } from "./pages/Trials.js";
import { ScreeningListPage, ScreeningReviewPage } from "./pages/Screening.js";
import { NotFound } from "./pages/NotFound.js";
import { ExtractionListPage, ExtractionStudyPage } from "./pages/Extraction.js";
import { RiskOfBiasPage } from "./pages/RiskOfBias.js";
import { EhrViewPage } from "./pages/EhrView.js";
import { ReviewPage } from "./pages/Review.js";

interface Route {
  pattern: string;
  render: (p: Record<string, string>) => JSX.Element;
  crumb: string;
  roles?: User["role"][];
}

/** A user's start page (where they land after signing in, and the way back from a page not there or not for them): evidence reviewers see no patient. */
function homeLinkOf(u: User): { href: string; label: string } {
  return u.role === "reviewer" ? { href: "/review", label: "Back to the evidence review" } : { href: "/patients", label: "Back to patients" };
}
const homeOf = (u: User): string => homeLinkOf(u).href;

/** Who reads patients (the API refuses everyone else, e.g. evidence reviewers). */
const PATIENT_READERS: User["role"][] = ["clinician", "researcher", "admin"];

const ROUTES: Route[] = [
  { pattern: "/patients", render: () => <PatientsPage />, crumb: "Patients", roles: PATIENT_READERS },
  { pattern: "/patients/new", render: () => <NewPatientPage />, crumb: "New patient", roles: ["clinician", "admin"] },
  { pattern: "/patients/:id", render: (p) => <PatientPage id={p["id"] ?? ""} tab="record" />, crumb: "Patient record", roles: PATIENT_READERS },
  { pattern: "/patients/:id/assessment", render: (p) => <PatientPage id={p["id"] ?? ""} tab="assessment" />, crumb: "Assessment", roles: PATIENT_READERS },
  { pattern: "/patients/:id/plan", render: (p) => <PatientPage id={p["id"] ?? ""} tab="plan" />, crumb: "Plan & follow-up", roles: PATIENT_READERS },
  { pattern: "/patients/:id/history", render: (p) => <PatientPage id={p["id"] ?? ""} tab="history" />, crumb: "History", roles: PATIENT_READERS },
  { pattern: "/evidence", render: () => <EvidencePage therapy={null} />, crumb: "Evidence" },
  { pattern: "/evidence/:therapy", render: (p) => <EvidencePage therapy={p["therapy"] ?? null} />, crumb: "Evidence" },
  { pattern: "/workbench", render: () => <WorkbenchPage />, crumb: "Analysis workbench" },
  { pattern: "/workbench/nma", render: () => <WorkbenchNmaPage />, crumb: "Network meta-analysis" },
  { pattern: "/workbench/tsa", render: () => <WorkbenchTsaPage />, crumb: "Trial sequential analysis" },
  { pattern: "/research", render: () => <ResearchPage />, crumb: "Research export", roles: ["researcher", "admin"] },
  { pattern: "/review", render: () => <ReviewPage />, crumb: "Evidence review", roles: ["reviewer", "admin"] },
  { pattern: "/trials", render: () => <TrialsPage canCreate={true} />, crumb: "Trials" },
  { pattern: "/trials/:id", render: (p) => <TrialPage id={p["id"] ?? ""} />, crumb: "Trial" },
  { pattern: "/screening", render: () => <ScreeningListPage />, crumb: "Study selection" },
  { pattern: "/screening/:id", render: (p) => <ScreeningReviewPage id={p["id"] ?? ""} tab="overview" />, crumb: "Review" },
  { pattern: "/screening/:id/:tab", render: (p) => <ScreeningReviewPage id={p["id"] ?? ""} tab={p["tab"] ?? "overview"} />, crumb: "Review" },
  { pattern: "/extraction", render: () => <ExtractionListPage />, crumb: "Data extraction", roles: ["reviewer", "admin"] },
  { pattern: "/extraction/:study", render: (p) => <ExtractionStudyPage study={p["study"] ?? ""} />, crumb: "Data extraction", roles: ["reviewer", "admin"] },
  { pattern: "/rob", render: () => <RiskOfBiasPage />, crumb: "Risk of bias", roles: ["reviewer", "admin"] },
  { pattern: "/admin/users", render: () => <AdminUsersPage />, crumb: "Users", roles: ["admin"] },
  { pattern: "/admin/audit", render: () => <AdminAuditPage />, crumb: "Audit log", roles: ["admin"] },
  { pattern: "/admin/ehr", render: () => <AdminEhrPage />, crumb: "EHR integration", roles: ["admin"] },
  { pattern: "/ehr/:id", render: (p) => <EhrViewPage id={p["id"] ?? ""} />, crumb: "From the EHR", roles: ["clinician"] },
  { pattern: "/account/password", render: () => <PasswordPage />, crumb: "Change password" },
];

/** Whether a route's roles let the user in (every signed-in user when it names none). */
function allows(roles: User["role"][] | undefined, u: User): boolean {
  return roles === undefined || roles.includes(u.role);
}

/** Whether the user may open the page at `pattern` (the route table decides). */
function mayOpen(pattern: string, u: User): boolean {
  return allows(ROUTES.find((r) => r.pattern === pattern)?.roles, u);
}

/** The side navigation, section by section; a link is shown to whoever may open its page, a section when it has a link. */
const NAV: Array<{ title: string; links: Array<{ href: string; icon: Parameters<typeof Icon>[0]["name"]; label: string }> }> = [
  { title: "Clinic", links: [{ href: "/patients", icon: "patients", label: "Patients" }] },
  {
    title: "Evidence",
    links: [
      { href: "/evidence", icon: "evidence", label: "Evidence browser" },
      { href: "/review", icon: "evidence", label: "Evidence review" },
      { href: "/workbench", icon: "workbench", label: "Analysis workbench" },
      { href: "/trials", icon: "plan", label: "Trials" },
      { href: "/screening", icon: "search", label: "Study selection" },
      { href: "/extraction", icon: "plan", label: "Data extraction" },
      { href: "/rob", icon: "evidence", label: "Risk of bias" },
      { href: "/research", icon: "download", label: "Research export" },
    ],
  },
  {
    title: "Administration",
    links: [
      { href: "/admin/users", icon: "admin", label: "Users" },
      { href: "/admin/audit", icon: "plan", label: "Audit log" },
      { href: "/admin/ehr", icon: "workbench", label: "EHR integration" },
    ],
  },
];

function NavLink(props: { href: string; children: ComponentChildren; path: string; exact?: boolean }): JSX.Element {
  const active = props.exact ? props.path === props.href : props.path === props.href || props.path.startsWith(props.href + "/");
  return (
    <a href={props.href} aria-current={active ? "page" : undefined}>
      {props.children}
    </a>
  );
}

function Shell(props: { user: User; path: string; crumb: string; children: ComponentChildren; onLogout: () => void }): JSX.Element {
  const u = props.user;
  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <aside class="sidenav" aria-label="Main navigation">
        <div class="sidenav-inner">
        <div class="brand">
          <Logo />
          <div>
            Decidua
            <small>RPL immunotherapy</small>
          </div>
        </div>
        <nav>
          {NAV.map((section) => {
            const links = section.links.filter((l) => mayOpen(l.href, u));
            return links.length === 0 ? null : (
              <Fragment key={section.title}>
                <div class="nav-section">{section.title}</div>
                {links.map((l) => (
                  <NavLink key={l.href} href={l.href} path={props.path}>
                    <Icon name={l.icon} /> {l.label}
                  </NavLink>
                ))}
              </Fragment>
            );
          })}
        </nav>
        <div class="nav-foot">
          Decision support only. Verdicts cite their sources; clinical judgement remains yours.
        </div>
        </div>
      </aside>
      <header class="topbar">
        <div class="crumbs" aria-label="Location">
          <span>Decidua</span>
          <span aria-hidden="true">/</span>
          <b>{props.crumb}</b>
        </div>
        <div class="spacer" />
        {u.role === "researcher" ? (
          <span class="badge violet sm" title="Names, free text and calendar dates are hidden">
            Pseudonymised view
          </span>
        ) : null}
        <div class="userchip">
          <div class="avatar" aria-hidden="true">
            {initials(u.displayName || u.username)}
          </div>
          <div class="who">
            <b data-testid="current-user">{u.displayName || u.username}</b>
            <span>
              <span class="role-pill" data-testid="current-role">
                {u.role}
              </span>
            </span>
          </div>
          <a class="btn ghost sm" href="/account/password" title="Change your password" data-testid="change-password">
            Password
          </a>
          <button type="button" class="btn ghost sm" onClick={props.onLogout} title="Sign out">
            <Icon name="logout" size={16} /> Sign out
          </button>
        </div>
      </header>
      <main class="main" id="main" tabIndex={-1}>
        {props.children}
      </main>
    </div>
  );
}

function App(): JSX.Element {
  const path = useLocation();
  const [user, setUser] = useState<User | null>(null);
  const [checked, setChecked] = useState(false);
  const [expired, setExpired] = useState(false);
  const userRef = useRef<User | null>(null);
  userRef.current = user;

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      // Signed in a moment ago: the session ended (expiry, sign-out elsewhere). Keep the page and its unsaved
      // work, and ask for the password over it; otherwise go to the sign-in page.
      if (userRef.current) setExpired(true);
      else navigate("/login", true);
    });
    api<{ user: User; csrfToken: string }>("GET", "/api/auth/me").then(
      (r) => {
        setCsrfToken(r.csrfToken);
        setUser(r.user);
        setChecked(true);
      },
      () => setChecked(true),
    );
  }, []);

  if (!checked) {
    return (
      <div style="padding:48px">
        <Spinner label="Starting Decidua…" />
      </div>
    );
  }

  if (!user) {
    if (path !== "/login") navigate(path === "/" ? "/login" : `/login?next=${encodeURIComponent(path + window.location.search)}`, true);
    return (
      <LoginPage
        onLogin={(u, csrf) => {
          setCsrfToken(csrf);
          setUser(u);
          const next = new URLSearchParams(window.location.search).get("next");
          navigate(next && next.startsWith("/") && !next.startsWith("//") ? next : homeOf(u), true);
        }}
      />
    );
  }

  if (path === "/" || path === "/login") {
    navigate(homeOf(user), true);
  }

  const logout = (): void => {
    api("POST", "/api/auth/logout").finally(() => {
      setUser(null);
      setCsrfToken("");
      navigate("/login", true);
    });
  };

  let content: JSX.Element = <NotFound home={homeLinkOf(user)} />;
  let crumb = "Not found";
  for (const r of ROUTES) {
    const params = matchPath(r.pattern, path === "/" || path === "/login" ? homeOf(user) : path);
    if (params) {
      crumb = r.crumb;
      content = !allows(r.roles, user) ? <NotFound forbidden home={homeLinkOf(user)} /> : r.render(params);
      break;
    }
  }

  return (
    <SessionContext.Provider value={{ user, logout }}>
      <Shell user={user} path={path} crumb={crumb} onLogout={logout}>
        {content}
      </Shell>
      {expired ? (
        <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="login-h">
          <LoginPage
            compact
            username={user.username}
            onLogin={(u, csrf) => {
              setCsrfToken(csrf);
              setExpired(false);
              if (u.id !== user.id) {
                setUser(u);
                navigate(homeOf(u), true);
              }
            }}
          />
        </div>
      ) : null}
    </SessionContext.Provider>
  );
}

installLinkInterceptor();
const root = document.getElementById("app");
if (root) render(<App />, root);
