/** Unknown route or a page the role may not open; the way back leads to the user's own start page. */
import type { JSX } from "preact";
import { Card, Empty } from "../components/ui.js";

export function NotFound(props: { forbidden?: boolean; home: { href: string; label: string } }): JSX.Element {
  return (
    <Card>
      <Empty title={props.forbidden ? "Your role cannot open this page" : "Page not found"}>
        <p>
          <a href={props.home.href} data-testid="not-found-home">
            {props.home.label}
          </a>
        </p>
      </Empty>
    </Card>
  );
}
