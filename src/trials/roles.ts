/**
 * Per-trial roles and what each may do. A user's global role (clinician / researcher / admin) does not give access
 * to a trial: only a membership does (an admin may list trials and manage memberships, not see participants).
 */
export const TRIAL_ROLES = ["coordinator", "investigator", "statistician"] as const;
export type TrialRole = (typeof TRIAL_ROLES)[number];

export type TrialAction =
  | "view"
  | "manage-members"
  | "enrol"
  | "consent"
  | "allocate"
  | "enter-data"
  | "unblind"
  | "see-arms"
  | "analyse"
  | "export";

const ALLOWED: Record<TrialAction, readonly TrialRole[]> = {
  view: ["coordinator", "investigator", "statistician"],
  "manage-members": ["coordinator"],
  enrol: ["coordinator", "investigator"],
  consent: ["coordinator", "investigator"],
  allocate: ["coordinator", "investigator"],
  "enter-data": ["coordinator", "investigator"],
  // emergency unblinding: the coordinator (clinical emergency) or the unblinded statistician, always with a reason
  unblind: ["coordinator", "statistician"],
  // the unblinded statistician sees arms of a blinded trial; everyone sees them in an open trial
  "see-arms": ["statistician"],
  analyse: ["statistician"],
  export: ["statistician"],
};

export function mayDo(role: TrialRole | null, action: TrialAction): boolean {
  return role !== null && ALLOWED[action].includes(role);
}
