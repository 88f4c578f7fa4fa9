/** The signed-in user, shared by the shell and the pages. */
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { User } from "./api.js";

export interface Session {
  user: User;
  logout: () => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error("useSession outside a signed-in shell");
  return s;
}

export function canEditPatients(u: User): boolean {
  return u.role === "clinician" || u.role === "admin";
}
export function isResearcher(u: User): boolean {
  return u.role === "researcher";
}
