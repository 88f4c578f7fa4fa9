/** The assessment: one card per therapy. */
import type { JSX } from "preact";
import { api, type Patient } from "../api.js";
import { Alert, Spinner } from "../components/ui.js";
import { useLoad } from "../hooks.js";

export function AssessmentView(props: { patient: Patient }): JSX.Element {
  const a = useLoad(() => api<{ assessment: unknown }>("GET", `/api/patients/${props.patient.id}/assessment`), [props.patient.id, props.patient.version]);
  if (a.error) return <Alert tone="warn">{a.error.message}</Alert>;
  if (!a.data) return <Spinner />;
  return <pre>{JSON.stringify(a.data, null, 2)}</pre>;
}
