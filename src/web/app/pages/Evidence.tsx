/** Evidence browser. */
import type { JSX } from "preact";
import { PageHead } from "../components/ui.js";

export function EvidencePage(props: { therapy: string | null }): JSX.Element {
  return <PageHead title="Evidence" sub={props.therapy ?? ""} />;
}
