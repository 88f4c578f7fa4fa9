/**
 * Browser-test harness: a real Decidua server (buildServer, temp SQLite file, ephemeral port) and Debian's
 * chromium driven by playwright-core with a fresh profile. Screenshots go to /tmp/shots (not committed).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { buildServer } from "../../src/server/app.js";
import type { ServerConfigInput } from "../../src/server/config.js";

export const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
export const SHOTS = process.env["DECIDUA_SHOTS"] ?? "/tmp/shots";
export const ADMIN_PASSWORD = "admin-password-1";

export interface TestServer {
  base: string;
  close: () => Promise<void>;
}

/**
 * Bundles the browser app (esbuild, well under a second) into a directory of this test process, so the test
 * sees the current source and parallel test files never read each other's half-written bundle.
 */
let webRoot: string | null = null;
export function buildWeb(): string {
  if (webRoot === null) {
    const dir = mkdtempSync(join(tmpdir(), "decidua-webroot-"));
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    webRoot = dir;
  }
  execFileSync(process.execPath, ["scripts/build-web.mjs", webRoot], { stdio: "inherit" });
  return webRoot;
}

export async function startServer(overrides: Partial<ServerConfigInput> = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), "decidua-web-"));
  const app = await buildServer({
    db: { engine: "sqlite", file: join(dir, "decidua.db") },
    adminPassword: ADMIN_PASSWORD,
    cookieSecret: "browser-tests-cookie-secret-0123456789abcdef",
    seed: true,
    webRoot: webRoot ?? buildWeb(),
    loginRateLimit: { max: 1000, timeWindowMs: 60_000 },
    scryptLogN: 10,
    ...overrides,
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const port = (app.server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}`,
    close: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A tiny cookie-keeping HTTP client for setting up users through the API. */
export async function apiSession(base: string, username: string, password: string) {
  const res = await fetch(`${base}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { csrfToken: string };
  const cookies = res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  return async (method: string, path: string, data?: unknown): Promise<{ status: number; json: unknown }> => {
    const r = await fetch(`${base}${path}`, {
      method,
      headers: { cookie: cookies, "x-csrf-token": body.csrfToken, ...(data !== undefined ? { "content-type": "application/json" } : {}) },
      body: data === undefined ? undefined : JSON.stringify(data),
    });
    const text = await r.text();
    return { status: r.status, json: text ? (JSON.parse(text) as unknown) : null };
  };
}

export async function createUser(base: string, username: string, role: "clinician" | "researcher" | "reviewer" | "admin", password: string): Promise<void> {
  const call = await apiSession(base, "admin", ADMIN_PASSWORD);
  const r = await call("POST", "/api/users", { username, displayName: displayNameFor(username), role, password });
  if (r.status !== 201) throw new Error(`create user ${username}: ${r.status} ${JSON.stringify(r.json)}`);
}

function displayNameFor(u: string): string {
  return u === "drlee" ? "Dr Hana Lee" : u === "research1" ? "Ravi Research" : u.charAt(0).toUpperCase() + u.slice(1);
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  close: () => Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`chromium not found at ${CHROMIUM} (apt-get install -y chromium)`);
  const profile = mkdtempSync(join(tmpdir(), "decidua-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(30_000);
  return {
    context,
    page,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function shot(page: Page, name: string, fullPage = true): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  // Sticky bars repeat in the middle of a full-page capture; make them static for the picture only.
  const style = fullPage ? await page.addStyleTag({ content: ".sidenav-inner,.topbar,nav.card{position:static!important}" }) : null;
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
  if (style) await style.evaluate((el) => (el as unknown as { remove: () => void }).remove());
}

export async function login(page: Page, base: string, username: string, password: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("current-user").waitFor({ state: "attached" });
}

export async function logout(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
}

/** A test file's usual start: the UI built, a fresh server, one browser, signed in as the administrator. */
export interface AdminSession {
  server: TestServer;
  browser: Browser;
  page: Page;
  close: () => Promise<void>;
}

export async function openAdminSession(): Promise<AdminSession> {
  buildWeb();
  const server = await startServer();
  const browser = await launchBrowser();
  await login(browser.page, server.base, "admin", ADMIN_PASSWORD);
  return {
    server,
    browser,
    page: browser.page,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * Registers a test file's hooks for one signed-in admin browser session (opened before its tests, closed after);
 * `session` and `page` are read inside the tests.
 */
export function adminSessionHooks(): { readonly session: AdminSession; readonly page: Page } {
  let open: AdminSession | undefined;
  beforeAll(async () => {
    open = await openAdminSession();
  });
  afterAll(async () => {
    await open?.close();
  });
  const session = (): AdminSession => {
    if (open === undefined) throw new Error("the admin session is not open (adminSessionHooks runs in beforeAll)");
    return open;
  };
  return {
    get session() {
      return session();
    },
    get page() {
      return session().page;
    },
  };
}
