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
