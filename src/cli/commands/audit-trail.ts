/**
 * `decidua audit verify`: checks the audit log's hash chain in the database (src/store/audit-chain.ts) and prints
 * the head hash to record elsewhere. Exit 0 when intact, 1 at the first broken entry (which it names).
 * A subcommand of `decidua audit` (the evidence audit, src/cli/commands/audit.ts), which keeps its own behaviour.
 */
import type { Command } from "commander";
import { Store, resolveDbConfig } from "../../store/index.js";
import type { CliIO } from "../main.js";
import { cliActor } from "./admin.js";
import type { SetExit } from "./index.js";

export function register(program: Command, io: CliIO, setExit: SetExit): void {
  const audit = program.commands.find((c) => c.name() === "audit") ?? program.command("audit").description("audit commands");
  audit
    .command("verify")
    .description("verify the audit log's hash chain (exit 1 at the first broken entry) and print the head hash")
    .option("--db <file-or-url>", "SQLite file or postgres:// URL (env DECIDUA_DB or DATABASE_URL; default ./decidua.sqlite)")
    .option("--json", "print the report as JSON")
    .action(async (_opts: unknown, cmd: Command) => {
      // `--json` is also an option of the parent `audit` command, which claims it: read both levels
      const opts = cmd.optsWithGlobals<{ db?: string; json?: boolean }>();
      const store = await Store.open(resolveDbConfig(opts.db));
      try {
        const report = await store.verifyAudit();
        await store.audit(null, { ...cliActor("audit verify"), action: "audit.verify", status: report.ok ? 0 : 1, detail: report.ok ? `intact, ${report.entries} entries` : `broken at #${String(report.firstBroken?.id ?? "?")}: ${report.firstBroken?.reason ?? ""}` });
        if (opts.json === true) io.out(JSON.stringify(report, null, 2) + "\n");
        else if (report.ok) io.out(`audit log intact: ${report.entries} entries; head #${String(report.head?.id ?? 0)} ${report.head?.hash ?? "(empty)"}\n`);
        else io.out(`audit log BROKEN at ${report.firstBroken?.id === null || report.firstBroken === null ? "the head" : `entry #${report.firstBroken.id}`}: ${report.firstBroken?.reason ?? ""}\n(${report.entries} entries verified before it)\n`);
        setExit(report.ok ? 0 : 1);
      } finally {
        await store.close();
      }
    });
}
