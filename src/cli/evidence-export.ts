/**
 * `decidua evidence export DIR`: a published version of the stored evidence base as data/-format files. Every file
 * is written to a temporary name first and renamed only when all were written, so a failure leaves DIR as it was.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { evidenceFiles } from "../evidence/versions.js";
import { InputError } from "../shared/errors.js";
import { EvidenceStore, NotFoundError, Store, resolveDbConfig } from "../store/index.js";
import type { EvidenceVersionSummary } from "../store/index.js";

export async function exportEvidenceVersion(dir: string, db: string | undefined, version?: number): Promise<EvidenceVersionSummary & { files: string[] }> {
  const store = await Store.open(resolveDbConfig(db));
  try {
    const es = new EvidenceStore(store);
    const v = version === undefined ? await es.latestEvidenceVersion() : await es.getEvidenceVersion(version).catch((e: unknown) => {
      if (e instanceof NotFoundError) throw new InputError(`no published evidence version ${version} in this database`, { field: "--version" });
      throw e;
    });
    if (v === null) throw new InputError("this database has no published evidence version (start the server once to seed it)", { field: "--db" });
    const files = evidenceFiles(v.content);
    mkdirSync(dir, { recursive: true });
    const tmp = files.map((f) => ({ ...f, path: join(dir, f.file), tmp: join(dir, `.${f.file}.tmp-${process.pid}`) }));
    try {
      for (const f of tmp) writeFileSync(f.tmp, f.text);
    } catch (e) {
      for (const f of tmp) rmSync(f.tmp, { force: true });
      throw e;
    }
    for (const f of tmp) renameSync(f.tmp, f.path);
    await store.audit(null, { username: "cli", action: "evidence.export", route: "decidua evidence export", status: 0, detail: `v${v.number} to ${dir}` });
    return { ...v, files: files.map((f) => f.file) };
  } finally {
    await store.close();
  }
}
