/** Bullet lists shown only when they have items: headed (assessment cards, plan notes) or plain lines (reasons, differences). */
import type { ComponentChildren, JSX } from "preact";

export function TitledList<T>(props: {
  title: string;
  items: readonly T[];
  item: (x: T) => ComponentChildren;
  itemKey: (x: T) => string | number;
  testId?: string;
  style?: string;
}): JSX.Element | null {
  if (props.items.length === 0) return null;
  return (
    <div style={props.style}>
      <h4 style="margin-bottom:4px">{props.title}</h4>
      <ul class="small" style="margin:0;padding-left:18px" data-testid={props.testId}>
        {props.items.map((x) => <li key={props.itemKey(x)}>{props.item(x)}</li>)}
      </ul>
    </div>
  );
}

/** Plain text lines as a bullet list (each line its own key), nothing when there are none. */
export function LineList(props: { lines: readonly string[]; class?: string; margin?: string }): JSX.Element | null {
  if (props.lines.length === 0) return null;
  return (
    <ul class={props.class} style={`margin:${props.margin ?? "4px 0 0"};padding-left:18px`}>
      {props.lines.map((l) => <li key={l}>{l}</li>)}
    </ul>
  );
}
