/** Sign-in page: errors and the rate-limit message are shown beside the form. */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { api, ApiError, type User } from "../api.js";
import { Alert, Button, Logo } from "../components/ui.js";

export function LoginPage(props: { onLogin: (u: User, csrf: string) => void; compact?: boolean; username?: string }): JSX.Element {
  const [username, setUsername] = useState(props.username ?? "");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<{ msg: string; tone: "error" | "warn" } | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: Event): Promise<void> {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api<{ user: User; csrfToken: string }>("POST", "/api/auth/login", { username, password });
      props.onLogin(r.user, r.csrfToken);
    } catch (err) {
      if (err instanceof ApiError && err.code === "RATE_LIMITED") {
        setError({ msg: "Too many sign-in attempts for this account from this computer. Wait a minute, then try again.", tone: "warn" });
      } else if (err instanceof ApiError && err.status === 401) {
        setError({ msg: "Wrong username or password.", tone: "error" });
      } else {
        setError({ msg: err instanceof Error ? err.message : "Sign-in failed.", tone: "error" });
      }
    } finally {
      setBusy(false);
    }
  }

  const formEl = (
        <form class="card" onSubmit={submit} aria-labelledby="login-h" noValidate>
          <div class="card-head">
            <h2 id="login-h">{props.compact ? "Your session has ended" : "Sign in"}</h2>
          </div>
          <div class="card-body stack">
            {props.compact ? <p class="small muted" style="margin:0">Sign in again to continue. Nothing on the page was lost: unsaved changes are still there.</p> : null}
            {error ? <Alert tone={error.tone} role="alert">{error.msg}</Alert> : null}
            <div class="field">
              <label for="username">Username</label>
              <input id="username" name="username" class="input" autoComplete="username" value={username} onInput={(e) => setUsername(e.currentTarget.value)} required autoFocus={!props.username} />
            </div>
            <div class="field">
              <label for="password">Password</label>
              <input id="password" name="password" class="input" type="password" autoComplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} required autoFocus={Boolean(props.username)} />
            </div>
            <Button type="submit" variant="primary" class="block" busy={busy}>
              Sign in
            </Button>
            <p class="small muted" style="margin:0">Access to patient data is logged. Contact your administrator if you cannot sign in.</p>
          </div>
        </form>
  );
  if (props.compact) return formEl;

  return (
    <div class="login-wrap">
      <aside class="login-art">
        <div>
          <div class="row" style="gap:12px">
            <Logo />
            <b style="color:#fff;font-size:18px">Decidua</b>
          </div>
          <h1>Immunotherapy for recurrent pregnancy loss, from the evidence to the patient.</h1>
          <p style="margin-top:12px">
            Every verdict names the specific finding behind it, the investigations still missing, the evidence and the guideline position.
          </p>
        </div>
        <ul class="small">
          <li>Patient record, work-up and immune panel</li>
          <li>Per-therapy assessment with sources</li>
          <li>Evidence browser and meta-analysis workbench</li>
        </ul>
      </aside>
      <main class="login-form">
        {formEl}
      </main>
    </div>
  );
}
