/** Data-loading hooks over the API. */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "./api.js";

export interface Loaded<T> {
  data: T | null;
  error: ApiError | Error | null;
  loading: boolean;
  reload: () => void;
  setData: (d: T) => void;
}

/** Loads `fn()` whenever `deps` change; keeps the last data while reloading. */
export function useLoad<T>(fn: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    const my = ++seq.current;
    setLoading(true);
    setError(null);
    fn().then(
      (d) => {
        if (my !== seq.current) return;
        setData(d);
        setLoading(false);
      },
      (e: unknown) => {
        if (my !== seq.current) return;
        setError(e instanceof Error ? e : new Error(String(e)));
        setLoading(false);
      },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload, setData };
}

/** Debounces a value (for search boxes). */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

import { api } from "./api.js";

export interface TherapyRef {
  id: string;
  name: string;
}
let therapyCache: Promise<TherapyRef[]> | null = null;

/** The therapies known to the server (GET /api/evidence/therapies), fetched once per page load. */
export function useTherapies(): TherapyRef[] {
  const [list, setList] = useState<TherapyRef[]>([]);
  useEffect(() => {
    therapyCache ??= api<{ therapies: TherapyRef[] }>("GET", "/api/evidence/therapies").then(
      (r) => r.therapies,
      () => {
        therapyCache = null;
        return [];
      },
    );
    let live = true;
    void therapyCache.then((t) => {
      if (live) setList(t);
    });
    return () => {
      live = false;
    };
  }, []);
  return list;
}

export interface WorkbenchRun<R> {
  res: R | null;
  busy: boolean;
  error: Error | null;
  setError: (e: Error | null) => void;
  /** The download in progress ("" when none). */
  dl: string;
  /** Posts the body to the analysis route (refuses without a file) and keeps the result or the error. */
  run: (e?: Event) => Promise<void>;
  /** Runs one download, marking it in progress and keeping its error. */
  download: (kind: string, fetchAndSave: () => Promise<void>) => Promise<void>;
  /** Forgets the result and the error (a new file was chosen). */
  clear: () => void;
}

/**
 * The run-and-download state of a workbench page (NMA, TSA): one analysis route, its result, its downloads.
 * `onError` also sees a failed run's error (the data-entry grid shows a located one on its cell).
 */
export function useWorkbenchRun<R>(path: string, hasFile: boolean, body: () => unknown, onError: (e: unknown) => void = () => {}): WorkbenchRun<R> {
  const [busy, setBusy] = useState(false);
  const [dl, setDl] = useState("");
  const [error, setError] = useState<Error | null>(null);
  const [res, setRes] = useState<R | null>(null);
  const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));
  async function run(e?: Event): Promise<void> {
    e?.preventDefault();
    if (!hasFile) {
      setError(new Error("Choose a CSV or XLSX file first."));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      setRes(await api<R>("POST", path, body()));
    } catch (err) {
      setRes(null);
      setError(asError(err));
      onError(err);
    } finally {
      setBusy(false);
    }
  }
  async function download(kind: string, fetchAndSave: () => Promise<void>): Promise<void> {
    setDl(kind);
    try {
      await fetchAndSave();
    } catch (err) {
      setError(asError(err));
    } finally {
      setDl("");
    }
  }
  const clear = (): void => {
    setRes(null);
    setError(null);
  };
  return { res, busy, error, setError, dl, run, download, clear };
}

/** An error as a form shows it: the server's message with the field it names, if any. */
function errorText(e: unknown): string {
  return e instanceof ApiError ? `${e.message}${e.field !== undefined ? ` (${e.field})` : ""}` : e instanceof Error ? e.message : String(e);
}

export interface Action {
  busy: boolean;
  /** The last run's error (errorText), null when it succeeded or has not run. */
  error: string | null;
  setError: (e: string | null) => void;
  clear: () => void;
  /** Runs `fn` once: busy while it runs, its error kept; true when it succeeded. */
  run: (fn: () => Promise<unknown>) => Promise<boolean>;
}

/** A button's action (save, submit, import, compare): its busy state and its error, one pattern for every form. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function run(fn: () => Promise<unknown>): Promise<boolean> {
    setBusy(true);
    setError(null);
    try {
      await fn();
      return true;
    } catch (e) {
      setError(errorText(e));
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, setError, clear: () => setError(null), run };
}
