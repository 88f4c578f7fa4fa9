/** A headed bullet list, shown only when it has items (assessment cards, plan notes). */
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
