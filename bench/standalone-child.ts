/**
 * The benchmark sections that load a real server (load.ts, protection.ts) run it in a child process
 * (src/server/standalone.ts) and talk to it over IPC: fork it, ask it something, wait for the answer.
 */
import { fork, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { StandaloneReady, StandaloneRequest } from "../src/server/standalone.js";

/** dist/bench/*.js -> dist/src/server/standalone.js; under tsx the .ts source. */
function serverModulePath(): string {
  const js = fileURLToPath(new URL("../src/server/standalone.js", import.meta.url));
  return existsSync(js) ? js : js.replace(/\.js$/, ".ts");
}

/** Sends `message` and resolves with the first reply `pick` accepts; rejects if the server exits first. */
export function ask<T>(child: ChildProcess, message: unknown, pick: (m: unknown) => T | undefined): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onMessage = (m: unknown) => {
      const v = pick(m);
      if (v !== undefined) {
        child.off("message", onMessage);
        child.off("exit", onExit);
        resolve(v);
      }
    };
    const onExit = (code: number | null) => reject(new Error(`server process exited (${code})`));
    child.on("message", onMessage);
    child.once("exit", onExit);
    child.send(message as object);
  });
}

/** Forks the standalone server with this process's flags and waits until it listens. */
export async function startStandaloneServer(request: StandaloneRequest): Promise<{ child: ChildProcess; ready: StandaloneReady }> {
  const child = fork(serverModulePath(), [], { stdio: ["ignore", "ignore", "inherit", "ipc"], execArgv: process.execArgv });
  try {
    const ready = await ask(child, request, (m) => (typeof m === "object" && m !== null && "port" in m ? (m as StandaloneReady) : undefined));
    return { child, ready };
  } catch (e) {
    child.kill();
    throw e;
  }
}
