/** What the patient routes share: the stored patient (404 when absent), the follow-ups in force, and today's date from the server's clock. */
import type { FastifyInstance } from "fastify";
import { followupsInForce, type ClinicalFollowUp } from "../../app/followups.js";
import type { PatientRow } from "../../store/index.js";
import { notFound } from "../errors.js";

export interface PatientAccess {
  /** The patient, or a 404 naming it. */
  load(id: string): Promise<PatientRow>;
  /** The follow-ups the rules read (those entered in error left out). */
  followupsFor(id: string): Promise<ClinicalFollowUp[]>;
  /** Today's date (YYYY-MM-DD) on the server's clock: the date the core is given. */
  today(): string;
}

export function patientAccess(app: FastifyInstance): PatientAccess {
  return {
    async load(id) {
      const p = await app.store.getPatient(id);
      if (p === null) throw notFound(`patient ${id}`);
      return p;
    },
    async followupsFor(id) {
      const [rows, errors] = await Promise.all([app.store.listFollowups(id), app.store.followupErrors(id)]);
      return followupsInForce(rows, errors);
    },
    today: () => app.now().toISOString().slice(0, 10),
  };
}
