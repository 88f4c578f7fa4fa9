import type { Command } from "commander";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { InputError } from "../../shared/errors.js";
import { buildServer } from "../../server/app.js";
import { resolveDbConfig } from "../../store/index.js";
import type { CliIO } from "../main.js";
import type { SetExit } from "./index.js";

const ServeOptions = z.object({
  port: z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(0).max(65535, "must be at most 65535"),
  host: z.string().min(1),
  db: z.string().min(1).optional(),
});

/**
 * Starts the web application: opens (creating on first start) the database, runs the migrations, seeds the
 * evidence base and the example patients, creates the first administrator (password printed once unless
 * DECIDUA_ADMIN_PASSWORD is set) and listens. Returns the running server.
 */
export async function runServe(opts: { port?: string | number; host?: string; db?: string }, io: CliIO, env: NodeJS.ProcessEnv = process.env): Promise<{ app: FastifyInstance; url: string }> {
  const parsed = ServeOptions.safeParse({ port: opts.port ?? env.PORT ?? 8080, host: opts.host ?? env.HOST ?? "127.0.0.1", db: opts.db });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(issue?.message ?? "invalid option", { field: `--${String(issue?.path[0] ?? "?")}` });
  }
  const o = parsed.data;
  const db = resolveDbConfig(o.db, env);
  const adminPassword = env.DECIDUA_ADMIN_PASSWORD;
  const cookieSecret = env.DECIDUA_COOKIE_SECRET;
  const app = await buildServer(
    {
      db,
      ...(adminPassword ? { adminPassword } : {}),
      ...(cookieSecret ? { cookieSecret } : {}),
      ...(env.DECIDUA_ADMIN_USER ? { adminUsername: env.DECIDUA_ADMIN_USER } : {}),
      trustProxy: env.DECIDUA_TRUST_PROXY === "1",
    },
    {
      onAdminCreated: (username, password) => {
        io.out(`\nFirst start: created the administrator account.\n  username: ${username}\n  password: ${password}\nThis password is shown only once: sign in and change it (Password, top right; /account/password), or set DECIDUA_ADMIN_PASSWORD before the first start.\n\n`);
      },
    },
  );
  const address = await app.listen({ port: o.port, host: o.host });
  const url = address.replace("[::1]", "localhost");
  io.out(`Decidua is running on ${url} (${db.engine === "sqlite" ? `SQLite ${db.file}` : "PostgreSQL"}); API description at ${url}/api/docs\n`);
  return { app, url };
}

/** Registers the `serve` command. */
export function register(program: Command, io: CliIO, setExit: SetExit): void {
  void setExit;
  program
    .command("serve")
    .description("start the web application (default http://127.0.0.1:8080, SQLite ./decidua.sqlite)")
    .option("-p, --port <port>", "port to listen on (env PORT, default 8080)")
    .option("--host <host>", "address to listen on (env HOST, default 127.0.0.1; 0.0.0.0 for all interfaces)")
    .option("--db <file-or-url>", "SQLite file or postgres:// URL (env DECIDUA_DB or DATABASE_URL; default ./decidua.sqlite)")
    .action(async (opts: { port?: string; host?: string; db?: string }) => {
      const { app } = await runServe(opts, io);
      const stop = () => {
        void app.close().then(() => process.exit(0));
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
}
