import { chmodSync, readFileSync, writeFileSync, renameSync } from "node:fs";
import { userInfo } from "node:os";
import type { Command } from "commander";
import { z } from "zod";
import { InputError } from "../../shared/errors.js";
import { ConflictError, Store, backupStore, passwordProblem, generatePassword, parseBackup, resolveDbConfig, restoreStore, ROLES, TABLES } from "../../store/index.js";
import type { CliIO } from "../main.js";
import { decryptBackup, encryptBackup, isEncryptedBackup } from "../../store/backup-crypto.js";
import type { SetExit } from "./index.js";

async function withStore<T>(db: string | undefined, f: (s: Store) => Promise<T>): Promise<T> {
  const store = await Store.open(resolveDbConfig(db));
  try {
    return await f(store);
  } finally {
    await store.close();
  }
}

/** The audit fields of a command-line action: who ran it (the OS account) and from where (this host's CLI). */
export function cliActor(command: string): { username: string; route: string; clientIp: string; userAgent: string } {
  let os = "unknown";
  try {
    os = userInfo().username;
  } catch {
    // no passwd entry for this uid
  }
  return { username: "cli", route: `decidua ${command}`, clientIp: "cli", userAgent: `decidua-cli (os user ${os}, pid ${process.pid})` };
}

/** The backup passphrase: a named environment variable, DECIDUA_BACKUP_PASSPHRASE, or asked for on the terminal. */
async function passphraseFrom(variable: string | undefined, io: CliIO): Promise<string> {
  const name = variable ?? "DECIDUA_BACKUP_PASSPHRASE";
  const v = process.env[name];
  if (v !== undefined && v !== "") return v;
  if (variable !== undefined) throw new InputError(`the environment variable ${variable} is not set`, { field: "--passphrase-env" });
  if (!process.stdin.isTTY) throw new InputError("no passphrase: set DECIDUA_BACKUP_PASSPHRASE or use --passphrase-env", { field: "passphrase" });
  io.err("backup passphrase: ");
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: process.stdin, terminal: false });
  try {
    return (await rl.question("")).trim();
  } finally {
    rl.close();
  }
}

const UserOptions = z.object({
  username: z.string().regex(/^[a-z0-9._-]{3,40}$/, "3 to 40 characters: lower-case letters, digits, dot, underscore, hyphen"),
  role: z.enum(ROLES, { error: `must be one of ${ROLES.join(", ")}` }),
  name: z.string().min(1).optional(),
  password: z.string().min(10, "at least 10 characters").optional(),
});

/** Registers `backup`, `restore` and `admin` (accounts from the command line). */
export function register(program: Command, io: CliIO, setExit: SetExit): void {
  void setExit;
  const dbOption = ["--db <file-or-url>", "SQLite file or postgres:// URL (env DECIDUA_DB or DATABASE_URL; default ./decidua.sqlite)"] as const;

  program
    .command("backup")
    .description("write every table of the database to a JSON file (restorable into SQLite or PostgreSQL)")
    .argument("<file>", "output file (JSON)")
    .option(...dbOption)
    .option("--encrypt", "encrypt with a passphrase (AES-256-GCM, scrypt key): from --passphrase-env, DECIDUA_BACKUP_PASSPHRASE, or asked for")
    .option("--passphrase-env <variable>", "name of the environment variable holding the passphrase")
    .action(async (file: string, opts: { db?: string; encrypt?: boolean; passphraseEnv?: string }) => {
      const passphrase = opts.encrypt === true ? await passphraseFrom(opts.passphraseEnv, io) : null;
      const dump = await withStore(opts.db, async (s) => {
        const d = await backupStore(s);
        await s.audit(null, { ...cliActor("backup"), action: "store.backup", status: 0, detail: `${file}: ${TABLES.map((t) => `${t} ${d.tables[t].length}`).join(", ")} (sessions left out)` });
        return d;
      });
      const tmp = `${file}.tmp-${process.pid}`;
      // only the owner may read a backup (it holds every patient and the password hashes)
      writeFileSync(tmp, passphrase === null ? JSON.stringify(dump) : encryptBackup(JSON.stringify(dump), passphrase), { mode: 0o600 });
      chmodSync(tmp, 0o600);
      renameSync(tmp, file);
      io.out(`backup written to ${file}: ${TABLES.map((t) => `${t} ${dump.tables[t].length}`).join(", ")}\n`);
    });

  program
    .command("restore")
    .description("load a backup file into an empty database (one transaction: all or nothing)")
    .argument("<file>", "backup file written by `decidua backup`")
    .option(...dbOption)
    .option("--passphrase-env <variable>", "for an encrypted backup: the environment variable holding the passphrase (else DECIDUA_BACKUP_PASSPHRASE, else asked for)")
    .action(async (file: string, opts: { db?: string; passphraseEnv?: string }) => {
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch (e) {
        throw new InputError(`cannot read: ${e instanceof Error ? e.message : String(e)}`, { file });
      }
      if (isEncryptedBackup(text)) text = decryptBackup(text, await passphraseFrom(opts.passphraseEnv, io), file);
      const dump = parseBackup(text, file);
      const counts = await withStore(opts.db, async (s) => {
        const c = await restoreStore(s, dump, file);
        await s.audit(null, { ...cliActor("restore"), action: "store.restore", status: 0, detail: `${file} (backup of ${dump.createdAt}): ${TABLES.map((t) => `${t} ${c[t]}`).join(", ")}` });
        return c;
      });
      io.out(`restored ${file}: ${TABLES.map((t) => `${t} ${counts[t]}`).join(", ")}\n`);
    });

  const admin = program.command("admin").description("manage accounts from the command line");
  admin
    .command("add-user")
    .description("create an account; prints the password once when none is given")
    .requiredOption("--username <name>", "login name")
    .requiredOption("--role <role>", `one of ${ROLES.join(", ")}`)
    .option("--name <display name>", "name shown in the application")
    .option("--password <password>", "password (at least 10 characters); generated when absent")
    .option(...dbOption)
    .action(async (opts: { username: string; role: string; name?: string; password?: string; db?: string }) => {
      const r = UserOptions.safeParse(opts);
      if (!r.success) {
        const issue = r.error.issues[0];
        throw new InputError(issue?.message ?? "invalid option", { field: `--${String(issue?.path[0] ?? "?")}` });
      }
      const problem = r.data.password !== undefined ? passwordProblem(r.data.password, r.data.username) : null;
      if (problem !== null) throw new InputError(problem, { field: "--password" });
      const password = r.data.password ?? generatePassword();
      await withStore(opts.db, (s) =>
        s.createUser({ username: r.data.username, displayName: r.data.name ?? r.data.username, role: r.data.role, password }, cliActor("admin add-user")).catch((e: unknown) => {
          if (e instanceof ConflictError) throw new InputError(e.message, { field: "--username" });
          throw e;
        }),
      );
      io.out(`created ${r.data.role} ${r.data.username}${opts.password ? "" : `; password: ${password}`}\n`);
    });

  admin
    .command("reset-password")
    .description("set a new password for an account (ends its sessions); prints it when generated")
    .requiredOption("--username <name>", "login name")
    .option("--password <password>", "new password (at least 10 characters); generated when absent")
    .option(...dbOption)
    .action(async (opts: { username: string; password?: string; db?: string }) => {
      if (opts.password !== undefined && opts.password.length < 10) throw new InputError("at least 10 characters", { field: "--password" });
      const password = opts.password ?? generatePassword();
      await withStore(opts.db, async (s) => {
        const user = (await s.listUsers()).find((u) => u.username === opts.username);
        if (!user) throw new InputError(`no account "${opts.username}"`, { field: "--username" });
        const problem = opts.password !== undefined ? passwordProblem(opts.password, opts.username) : null;
        if (problem !== null) throw new InputError(problem, { field: "--password" });
        if (opts.password !== undefined && (await s.passwordReused(user.id, opts.password))) throw new InputError("this account used this password recently", { field: "--password" });
        await s.updateUser(user.id, { password }, cliActor("admin reset-password"));
      });
      io.out(`password of ${opts.username} reset${opts.password ? "" : `: ${password}`}\n`);
    });
}
