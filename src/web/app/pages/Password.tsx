/** Change your own password: the current one, a new one (checked by the server's policy), confirmed. */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { api } from "../api.js";
import { Alert, Button, Card, PageHead } from "../components/ui.js";
import { TextField, useForm, useSubmit, type Json } from "../components/form.js";

export function PasswordPage(): JSX.Element {
  const form = useForm({ currentPassword: "", newPassword: "", confirm: "" } as Json);
  const { busy, error, setError, run } = useSubmit(form);
  const [done, setDone] = useState(false);
  async function submit(e: Event): Promise<void> {
    if (form.get("newPassword") !== form.get("confirm")) {
      e.preventDefault();
      setError("the two new passwords differ");
      return;
    }
    await run(e, async () => {
      await api("POST", "/api/auth/password", { currentPassword: form.get("currentPassword") ?? "", newPassword: form.get("newPassword") ?? "" });
      setDone(true);
    });
  }
  return (
    <>
      <PageHead title="Change password" sub="At least 10 characters; not a common password, not your user name, not one you used recently." />
      <Card title="Your password">
        {done ? (
          <Alert tone="ok">Password changed. Every session of yours has ended: sign in again with the new password.</Alert>
        ) : (
          <form class="stack" onSubmit={(e) => void submit(e)} data-testid="password-form">
            {error ? <Alert tone="error">{error}</Alert> : null}
            <TextField form={form} path="currentPassword" label="Current password" type="password" autoComplete="current-password" required />
            <TextField form={form} path="newPassword" label="New password" type="password" autoComplete="new-password" required />
            <TextField form={form} path="confirm" label="New password again" type="password" autoComplete="new-password" required />
            <div>
              <Button variant="primary" type="submit" busy={busy}>Change password</Button>
            </div>
          </form>
        )}
      </Card>
    </>
  );
}
