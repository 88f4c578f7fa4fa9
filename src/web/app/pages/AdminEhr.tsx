/** Administration of the EHR integration: the FHIR servers clinicians may import a patient's record from. */
import type { JSX } from "preact";
import { api } from "../api.js";
import { Button, ListAndAddPage, LoadedTable, fmtDate } from "../components/ui.js";
import { TextField, useForm, useSubmit, type Json } from "../components/form.js";
import { useLoad } from "../hooks.js";
import type { FhirServer } from "../../../store/fhir.js";


export function AdminEhrPage(): JSX.Element {
  const servers = useLoad(() => api<{ servers: FhirServer[] }>("GET", "/api/fhir/servers"), []);
  const form = useForm({} as Json);
  const { busy, error, setError, run } = useSubmit(form);

  async function save(e: Event): Promise<void> {
    await run(e, async () => {
      const v = form.value as { label?: string; baseUrl?: string; bearerToken?: string };
      await api("PUT", "/api/fhir/servers", { label: v.label ?? "", baseUrl: v.baseUrl ?? "", ...(v.bearerToken !== undefined && v.bearerToken !== "" ? { bearerToken: v.bearerToken } : {}) });
      form.reset({});
      servers.reload();
    });
  }
  async function remove(s: FhirServer): Promise<void> {
    setError(null);
    try {
      await api("DELETE", `/api/fhir/servers/${encodeURIComponent(s.id)}`);
      servers.reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  return (
    <ListAndAddPage
      title="EHR integration"
      sub="FHIR R4 servers a clinician may import a patient's record from (patient page, record tab). The token is stored for server-to-server reads and never shown again."
      listTitle="FHIR servers"
      list={
        <LoadedTable
          of={servers}
          caption="FHIR servers"
          rows={(d) => d.servers}
          rowKey={(s) => s.id}
          columns={[
            { key: "label", label: "Server", render: (s) => <><b>{s.label}</b><div class="small muted mono">{s.baseUrl}</div></> },
            { key: "token", label: "Token", render: (s) => (s.hasToken ? "stored" : "none") },
            { key: "created", label: "Added", render: (s) => <span class="num">{fmtDate(s.createdAt.slice(0, 10))} by {s.createdBy}</span> },
            { key: "act", label: "", render: (s) => <Button size="sm" variant="danger" onClick={() => void remove(s)}>Remove</Button> },
          ]}
        />
      }
      addTitle="Add a FHIR server"
      submitLabel="Save server"
      onSubmit={save}
      busy={busy}
      error={error}
      formTestId="fhir-server-form"
    >
      <TextField form={form} path="label" label="Name" required />
      <TextField form={form} path="baseUrl" label="FHIR base URL" hint="e.g. https://ehr.example.org/fhir (the same URL again replaces name and token)" required autoComplete="off" />
      <TextField form={form} path="bearerToken" label="Bearer token" type="password" hint="Optional: sent as Authorization: Bearer on every read; empty keeps the stored one." autoComplete="off" />
    </ListAndAddPage>
  );
}
