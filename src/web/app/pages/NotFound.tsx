/** Unknown route or a page the role may not open. */
import type { JSX } from "preact";
import { Card, Empty } from "../components/ui.js";

export function NotFound(props: { forbidden?: boolean }): JSX.Element {
  return (
    <Card>
      <Empty title={props.forbidden ? "Your role cannot open this page" : "Page not found"}>
        <p>
          <a href="/patients">Back to patients</a>
        </p>
      </Empty>
    </Card>
  );
}
