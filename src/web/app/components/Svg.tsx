/** Shows an SVG produced by the server (forest, funnel, risk-of-bias plots), with scripts and handlers stripped. */
import type { JSX } from "preact";
import { useMemo } from "preact/hooks";
import { useLoad } from "../hooks.js";
import { ApiError, apiText } from "../api.js";
import { Alert, Spinner } from "./ui.js";

export function sanitizeSvg(markup: string): string {
  const doc = new DOMParser().parseFromString(markup, "image/svg+xml");
  const root = doc.documentElement;
  if (root.nodeName.toLowerCase() !== "svg") return "";
  for (const el of Array.from(root.querySelectorAll("script, foreignObject"))) el.remove();
  for (const el of [root, ...Array.from(root.querySelectorAll("*"))]) {
    for (const a of Array.from(el.attributes)) {
      if (/^on/i.test(a.name) || (/href$/i.test(a.name) && /^\s*javascript:/i.test(a.value))) el.removeAttribute(a.name);
    }
  }
  return new XMLSerializer().serializeToString(root);
}

/** `natural`: keep the plot's own size (square plots such as funnels), else fill the width. */
export function Svg(props: { markup: string; label: string; testId?: string; natural?: boolean }): JSX.Element {
  const clean = useMemo(() => sanitizeSvg(props.markup), [props.markup]);
  return <div class={props.natural ? "figure natural" : "figure"} role="img" aria-label={props.label} data-testid={props.testId} dangerouslySetInnerHTML={{ __html: clean }} />;
}

/** Loads an SVG from a GET route of the API and shows it. */
export function RemoteSvg(props: { src: string; label: string; testId?: string; natural?: boolean }): JSX.Element {
  const svg = useLoad(() => apiText("GET", props.src), [props.src]);
  if (svg.error) return <Alert tone={svg.error instanceof ApiError && svg.error.status === 404 ? "info" : "warn"}>{props.label}: {svg.error.message}</Alert>;
  if (svg.data === null) return <Spinner label={`Drawing ${props.label.toLowerCase()}…`} />;
  return <Svg markup={svg.data} label={props.label} testId={props.testId} natural={props.natural} />;
}
