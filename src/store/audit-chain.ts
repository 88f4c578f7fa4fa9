/**
 * The audit log's hash chain (tamper evidence). Each entry's hash is sha-256 over the previous entry's hash and
 * the entry's canonical content (every column but the hash itself, in a fixed order); the first entry chains to
 * GENESIS. The `audit_head` row holds the id, hash and time of the last entry, written in the same transaction as
 * the entry. Pure functions over plain rows: the store reads the rows, these decide whether they still hold.
 */
import { createHash } from "node:crypto";
import type { Selectable } from "kysely";
import type { AuditLogTable } from "./schema.js";

export const GENESIS_HASH = "0".repeat(64);
export const CHAIN_VERSION = "decidua-audit-v1";
/** The entry migration 0005 appends after chaining the older entries; times are checked from it on. */
export const CHAIN_START_ACTION = "audit.chain-start";

/** The columns an entry's hash covers: the stored audit_log row as the database returns it (store/schema.ts). */
export type ChainedEntry = Selectable<AuditLogTable>;

/** The marker appended after entries that were chained retroactively (migration 0005, restore of an old backup). */
export function chainStartMarker(id: number, lastAt: string, route: string, earlier: number): Omit<ChainedEntry, "hash" | "prev_hash"> {
  return {
    id,
    at: lastAt === "" ? "1970-01-01T00:00:00.000Z" : lastAt,
    username: null,
    action: CHAIN_START_ACTION,
    patient_id: null,
    route,
    status: null,
    detail: `${earlier} earlier entries chained`,
    client_ip: null,
    user_agent: null,
    session_id: null,
  };
}

export interface ChainHead {
  lastId: number;
  hash: string;
  lastAt: string;
}

/** One canonical text per entry: a JSON array in a fixed column order (no key order or whitespace ambiguity). */
export function canonicalEntry(e: Omit<ChainedEntry, "hash" | "prev_hash">): string {
  return JSON.stringify([
    CHAIN_VERSION,
    Number(e.id),
    e.at,
    e.username,
    e.action,
    e.patient_id,
    e.route,
    e.status === null ? null : Number(e.status),
    e.detail,
    e.client_ip,
    e.user_agent,
    e.session_id,
  ]);
}

export function entryHash(prevHash: string, e: Omit<ChainedEntry, "hash" | "prev_hash">): string {
  return createHash("sha256").update(prevHash).update("\n").update(canonicalEntry(e)).digest("hex");
}

export interface ChainBreak {
  /** The first entry that does not hold (or null when the head row disagrees with an intact chain's end). */
  id: number | null;
  reason: string;
}

export interface ChainReport {
  ok: boolean;
  entries: number;
  head: { id: number; hash: string } | null;
  firstBroken: ChainBreak | null;
}

/**
 * Incremental verifier: feed the entries in id order (in pages), then `finish(head)`. Stops at the first break.
 * Detects: an edited entry (its hash), a deleted one (the next entry's prev_hash and the id gap), reordered ones
 * (ids and prev_hash are in the hash), an entry dated before its predecessor (back-dated insertion), and entries
 * removed from or added at the end without the head row (head mismatch).
 */
export class ChainVerifier {
  private prevHash = GENESIS_HASH;
  private prevId: number | null = null;
  private prevAt: string | null = null;
  private count = 0;
  /**
   * Entries before a chain-start marker were chained retroactively: their order in time does not count. A time
   * break seen before any marker is held until the end (it counts when no marker follows).
   */
  private markerSeen = false;
  private pendingTimeBreak: ChainBreak | null = null;
  broken: ChainBreak | null = null;

  add(e: ChainedEntry): boolean {
    if (this.broken !== null) return false;
    const id = Number(e.id);
    const fail = (reason: string): boolean => {
      this.broken = { id, reason };
      return false;
    };
    if (e.hash === null || e.prev_hash === null) return fail(`entry #${id} carries no hash (written outside Decidua)`);
    if (this.prevId !== null && id !== this.prevId + 1) {
      return fail(`entry #${id} follows #${this.prevId}: ${id > this.prevId + 1 ? `${id - this.prevId - 1} entr${id - this.prevId - 1 === 1 ? "y is" : "ies are"} missing (deleted)` : "ids out of order"}`);
    }
    if (e.prev_hash !== this.prevHash) {
      return fail(`entry #${id} does not chain to ${this.prevId === null ? "the start of the log" : `entry #${this.prevId}`} (an entry before it was deleted, inserted or reordered)`);
    }
    if (entryHash(e.prev_hash, e) !== e.hash) return fail(`entry #${id} was changed after it was written (its content does not match its hash)`);
    if (this.prevAt !== null && e.at < this.prevAt) {
      const b = { id, reason: `entry #${id} is dated ${e.at}, before entry #${String(this.prevId)} (${this.prevAt}): back-dated insertion` };
      if (this.markerSeen) return fail(b.reason);
      this.pendingTimeBreak ??= b;
    }
    if (e.action === CHAIN_START_ACTION) {
      this.markerSeen = true;
      this.pendingTimeBreak = null;
    }
    this.prevHash = e.hash;
    this.prevId = id;
    this.prevAt = e.at;
    this.count += 1;
    return true;
  }

  finish(head: ChainHead | null): ChainReport {
    const pending = this.pendingTimeBreak;
    if (!this.markerSeen && pending !== null && (this.broken === null || (this.broken.id !== null && pending.id !== null && pending.id < this.broken.id))) this.broken = pending;
    const last = this.prevId === null ? null : { id: this.prevId, hash: this.prevHash };
    if (this.broken === null) {
      if (head === null) this.broken = { id: null, reason: "the audit head row is missing (deleted outside Decidua)" };
      else if (last === null && head.lastId !== 0) this.broken = { id: null, reason: `the head names entry #${head.lastId} but the log is empty: every entry was deleted` };
      else if (last !== null && head.lastId !== last.id) {
        this.broken =
          head.lastId > last.id
            ? { id: last.id + 1, reason: `the head names entry #${head.lastId} but the log ends at #${last.id}: the last entries were deleted` }
            : { id: head.lastId + 1, reason: `entries after #${head.lastId} (the recorded head) were added outside Decidua` };
      } else if (last !== null && head.hash !== last.hash) this.broken = { id: last.id, reason: `the last entry #${last.id} does not match the recorded head hash` };
    }
    return { ok: this.broken === null, entries: this.count, head: last, firstBroken: this.broken };
  }
}
