/**
 * The network's graph: treatments as nodes, studies as edges between every pair of their arms. Connected components
 * (a disconnected network cannot be analysed as one), designs (the set of treatments a study compares) and edge
 * counts for the network plot.
 */
import { InputError } from "../../shared/errors.js";

/** Connected components of the treatments, each in order of first appearance. */
export function components(treatments: readonly string[], studies: readonly { arms: readonly string[] }[]): string[][] {
  const index = new Map(treatments.map((t, i) => [t, i]));
  const parent = treatments.map((_, i) => i);
  const find = (i: number): number => {
    let r = i;
    while (parent[r] !== r) r = parent[r] as number;
    while (parent[i] !== r) {
      const next = parent[i] as number;
      parent[i] = r;
      i = next;
    }
    return r;
  };
  for (const s of studies) {
    const a = find(index.get(s.arms[0] as string) as number);
    for (const t of s.arms.slice(1)) {
      const b = find(index.get(t) as number);
      if (a !== b) parent[b] = a;
    }
  }
  const groups = new Map<number, string[]>();
  treatments.forEach((t, i) => {
    const r = find(i);
    const g = groups.get(r) ?? [];
    g.push(t);
    groups.set(r, g);
  });
  return [...groups.values()];
}

/** InputError naming the parts when the network is not connected. */
export function assertConnected(treatments: readonly string[], studies: readonly { arms: readonly string[] }[]): void {
  const parts = components(treatments, studies);
  if (parts.length > 1) {
    const list = parts.map((p, i) => `(${i + 1}) ${p.join(", ")}`).join("; ");
    throw new InputError(`the network is disconnected: ${parts.length} separate parts that no study links: ${list}. Analyse each part on its own, or add a study that links them`);
  }
}

/** A study's design: its treatments in the network's treatment order, joined by ":" (netmeta's notation). */
export function designOf(arms: readonly string[], order: ReadonlyMap<string, number>): string {
  return [...arms].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0)).join(":");
}

/** Number of studies comparing each pair directly (pairs in treatment order). */
export function edges(treatments: readonly string[], studies: readonly { arms: readonly string[] }[]): { treatment1: string; treatment2: string; studies: number }[] {
  const order = new Map(treatments.map((t, i) => [t, i]));
  const count = new Map<string, number>();
  for (const s of studies) {
    const a = [...s.arms].sort((x, y) => (order.get(x) ?? 0) - (order.get(y) ?? 0));
    for (let i = 0; i < a.length; i++) for (let j = i + 1; j < a.length; j++) {
      const key = `${order.get(a[i] as string)}|${order.get(a[j] as string)}`;
      count.set(key, (count.get(key) ?? 0) + 1);
    }
  }
  const out: { treatment1: string; treatment2: string; studies: number }[] = [];
  for (let i = 0; i < treatments.length; i++) for (let j = i + 1; j < treatments.length; j++) {
    const c = count.get(`${i}|${j}`);
    if (c !== undefined) out.push({ treatment1: treatments[i] as string, treatment2: treatments[j] as string, studies: c });
  }
  return out;
}
