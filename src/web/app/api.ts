/** The browser's only way to the server: the JSON API of src/server/API.md. */
import type { DiagnosisOverview } from "../../clinical/overview.js";
import type { DueStep } from "../../clinical/due-steps.js";
export type { HistoryEvent } from "../../app/patient-history.js";

// Shapes the API returns as the store defines them (type-only: nothing of the server reaches the bundle).
export type { Role } from "../../store/schema.js";
export type { AuditEntry, User } from "../../store/store.js";

/** One problem reported by the API, with the dotted path of the field it concerns. */
export interface ApiIssue {
  field: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly row: number | undefined;
  readonly issues: ApiIssue[];
  constructor(status: number, body: unknown) {
    const err = isObj(body) && isObj(body["error"]) ? body["error"] : {};
    const message = typeof err["message"] === "string" ? err["message"] : `request failed (${status})`;
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = typeof err["code"] === "string" ? err["code"] : "INTERNAL";
    this.field = typeof err["field"] === "string" ? normaliseField(err["field"]) : undefined;
    this.row = typeof err["row"] === "number" ? err["row"] : undefined;
    const issues: ApiIssue[] = [];
    if (Array.isArray(err["issues"])) {
      for (const i of err["issues"]) {
        if (isObj(i) && typeof i["message"] === "string") issues.push({ field: typeof i["field"] === "string" ? normaliseField(i["field"]) : "", message: i["message"] });
      }
    }
    if (issues.length === 0 && this.field !== undefined) issues.push({ field: this.field, message });
    this.issues = issues;
  }
}

/** "record.losses[0].gestationalWeek" and "record.losses.0.gestationalWeek" both become the dotted form. */
export function normaliseField(f: string): string {
  return f.replace(/\[(\d+)\]/g, ".$1").replace(/^\./, "");
}

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

let csrfToken = "";
let onUnauthenticated: (() => void) | null = null;

export function setCsrfToken(t: string): void {
  csrfToken = t;
}
export function setUnauthenticatedHandler(f: () => void): void {
  onUnauthenticated = f;
}

function readCsrfCookie(): string {
  const m = /(?:^|;\s*)decidua_csrf=([^;]+)/.exec(document.cookie);
  return m?.[1] ? decodeURIComponent(m[1]) : "";
}

async function raw(method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && method !== "HEAD") headers["x-csrf-token"] = csrfToken || readCsrfCookie();
  const res = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) {
    let payload: unknown = null;
    try {
      payload = await res.json();
    } catch {
      payload = null;
    }
    const e = new ApiError(res.status, payload);
    if (res.status === 401 && path !== "/api/auth/login" && path !== "/api/auth/me") onUnauthenticated?.();
    throw e;
  }
  return res;
}

export async function api<T>(method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE", path: string, body?: unknown): Promise<T> {
  const res = await raw(method, path, body);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export async function apiText(method: "GET" | "POST", path: string, body?: unknown): Promise<string> {
  const res = await raw(method, path, body);
  return res.text();
}

export async function apiBlob(method: "GET" | "POST", path: string, body?: unknown): Promise<Blob> {
  const res = await raw(method, path, body);
  return res.blob();
}

/** Saves a blob as a file through a temporary link. */
export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function qs(params: Record<string, string | number | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : "";
}

/* ---------- Shapes of API responses used by the pages ---------- */

export interface PatientSummary {
  id: string;
  pseudonymId: string;
  displayName: string | null;
  dateOfBirth: string | null;
  version: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
  /** The diagnosis line and what needs doing, from the core's diagnosis (null when the stored record does not validate). */
  diagnosis?: DiagnosisOverview | null;
  /** The patient list: steps of kept plans due or overdue today (the server's date). */
  due?: DueStep[];
}

export interface Patient<R = unknown> extends PatientSummary {
  record: R;
  pseudonymised: boolean;
}

export type FollowUp =
  | { kind: "pregnancy"; date: string; note?: string }
  | { kind: "loss"; date: string; gestationalWeek: number; note?: string }
  | { kind: "live-birth"; date: string; gestationalWeek?: number; note?: string }
  | { kind: "adverse-reaction"; date: string; therapy: string; description: string; severity: "mild" | "moderate" | "severe" }
  | { kind: "antibody-result"; date: string; test: string; value?: number; unit?: string; positive: boolean; note?: string };
export type StoredFollowUp = FollowUp & { id: string; createdAt: string; createdBy: string; enteredInError?: { reason: string; at: string; by: string } | true };


/** The name to show for a patient: the pseudonym when the view is pseudonymised. */
export function patientLabel(p: { displayName: string | null; pseudonymId: string }): string {
  return p.displayName ?? p.pseudonymId;
}
