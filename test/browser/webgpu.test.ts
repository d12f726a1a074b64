// The WebGPU agreement cases of test/backend/webgpu/cases, run in headless Chromium on SwiftShader (its
// CPU WebGPU adapter) from a page served on 127.0.0.1 (a secure context, so navigator.gpu exists). The
// page (webgpu-entry.ts) reports the adapter first, so that it can name the describe blocks, then each
// case's result; every case the Node tests run is asserted here by name. Without Chromium, or without an
// adapter in it, every case is listed as skipped with the reason in the block's name.
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import type { WebGPUCaseResult } from "../backend/webgpu/cases/check.js";
import { caseGroups } from "../backend/webgpu/cases/index.js";
import { bundleEntry } from "./bundle.js";
import type { WebGPUPageAdapter } from "./protocol.js";
import { serveStatic, type StaticServer } from "./server.js";

const CHROMIUM = "/usr/bin/chromium";
/**
 * WebGPU is behind --enable-unsafe-webgpu in Chromium on Linux (without it: "No available adapters.");
 * --use-webgpu-adapter=swiftshader picks the CPU adapter even on a machine with a GPU, so CI and a GPU
 * workstation run the same thing (Dawn on a real GPU is covered in Node).
 */
const WEBGPU_FLAGS = ["--enable-unsafe-webgpu", "--use-webgpu-adapter=swiftshader"];
/**
 * SwiftShader compiles each WGSL pipeline on the CPU: the kernel cases alone took 25 s on an idle 2-core
 * machine, 265 s when the load average was 11; with the convolution, pooling, normalization, attention and
 * model-training groups, 539 s at a load average of 14 (measured).
 */
const RESULTS_TIMEOUT_MS = 900_000;

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>deepscript WebGPU check</title>
<link rel="icon" href="data:,">
<script type="module" src="./webgpu-entry.js"></script>
`;

interface Session {
  adapter: WebGPUPageAdapter;
  page: Page;
  log: string[];
  close(): Promise<void>;
}

/** Bundles and serves the page, opens it in headless Chromium and waits for the adapter report (not for the cases). */
async function openSession(): Promise<Session> {
  const dir = await mkdtemp(join(tmpdir(), "deepscript-webgpu-"));
  const profile = await mkdtemp(join(tmpdir(), "deepscript-chromium-profile-"));
  let server: StaticServer | null = null, context: BrowserContext | null = null;
  const close = async () => {
    await context?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
    await rm(profile, { recursive: true, force: true });
  };
  try {
    await bundleEntry(dir, "webgpu-entry");
    await writeFile(join(dir, "index.html"), PAGE);
    server = await serveStatic(dir);
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless", "--no-sandbox", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", ...WEBGPU_FLAGS,
      ],
    });
    const log: string[] = [];
    const page = await context.newPage();
    page.on("console", (m) => log.push(`console.${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => log.push(`pageerror: ${e.message}`));
    page.on("requestfailed", (r) => log.push(`requestfailed: ${r.url()} ${r.failure()?.errorText ?? ""}`));
    await page.goto(server.url);
    const handle = await page
      .waitForFunction(() => {
        const w = globalThis as { __webgpuAdapter?: string; __webgpuError?: string };
        return w.__webgpuAdapter ?? (w.__webgpuError === undefined ? undefined : JSON.stringify({ error: w.__webgpuError }));
      }, undefined, { timeout: 120_000, polling: 100 })
      .catch((error: unknown) => {
        throw new Error(`the WebGPU page never reported an adapter (${String(error)}); page log:\n${log.join("\n")}`);
      });
    const reported = JSON.parse((await handle.jsonValue()) as string) as WebGPUPageAdapter | { error: string };
    if ("error" in reported) throw new Error(`the WebGPU page failed: ${reported.error}\npage log:\n${log.join("\n")}`);
    return { adapter: reported, page, log, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Waits for the page's per-case results, keyed "group › case". */
async function caseResults(session: Session): Promise<Map<string, WebGPUCaseResult>> {
  const { page, log } = session;
  const handle = await page
    .waitForFunction(() => {
      const w = globalThis as { __webgpuResults?: string; __webgpuError?: string };
      return w.__webgpuResults ?? (w.__webgpuError === undefined ? undefined : JSON.stringify({ error: w.__webgpuError }));
    }, undefined, { timeout: RESULTS_TIMEOUT_MS, polling: 500 })
    .catch(async (error: unknown) => {
      const done = await page.evaluate(() => (globalThis as { __webgpuProgress?: number }).__webgpuProgress).catch(() => undefined);
      throw new Error(`the WebGPU page did not finish its cases (${done ?? 0} done; ${String(error)}); page log:\n${log.join("\n")}`);
    });
  const parsed = JSON.parse((await handle.jsonValue()) as string) as WebGPUCaseResult[] | { error: string };
  if (!Array.isArray(parsed)) throw new Error(`the WebGPU page failed: ${parsed.error}\npage log:\n${log.join("\n")}`);
  return new Map(parsed.map((r) => [`${r.group} › ${r.name}`, r]));
}

const session: Session | null = existsSync(CHROMIUM) ? await openSession() : null;
const skipReason =
  session === null ? `skipped: ${CHROMIUM} not found (apt-get install chromium; .ci/run installs it)`
  : session.adapter.adapter === null ? `skipped, no WebGPU adapter in Chromium: ${session.adapter.reason}`
  : null;
if (skipReason !== null) {
  console.warn(`test/browser/webgpu: ${skipReason}`);
  await session?.close();
}
const where = skipReason ?? `adapter: ${session!.adapter.adapter}`;

describe.skipIf(skipReason !== null)(`WebGPU agreement cases in headless Chromium (${where})`, () => {
  let results = new Map<string, WebGPUCaseResult>();
  beforeAll(async () => {
    results = await caseResults(session!);
  }, RESULTS_TIMEOUT_MS + 30_000);
  afterAll(async () => {
    if (results.size > 0) {
      const all = [...results.values()];
      const ms = all.reduce((a, r) => a + r.ms, 0);
      const slowest = all.sort((a, b) => b.ms - a.ms).slice(0, 3).map((r) => `${r.group} › ${r.name.slice(0, 40)}…: ${Math.round(r.ms)} ms`);
      console.info(`test/browser/webgpu: ${results.size} cases in ${Math.round(ms)} ms on ${where}; slowest: ${slowest.join("; ")}`);
    }
    await session?.close();
  });

  it("the page ran exactly the cases of test/backend/webgpu/cases, without errors in its log", () => {
    const expected = caseGroups.flatMap((group) => group.cases.map((c) => `${group.title} › ${c.name}`));
    expect(new Set(expected).size).toBe(expected.length); // names are unique, so each is asserted once below
    expect([...results.keys()]).toEqual(expected);
    expect(session!.log.filter((l) => !l.startsWith("console.log") && !l.startsWith("console.info"))).toEqual([]);
  });

  for (const group of caseGroups) {
    describe(`${group.title} (${where})`, () => {
      for (const c of group.cases) {
        it(c.name, () => {
          const result = results.get(`${group.title} › ${c.name}`);
          expect(result, "the page reported no result for this case").toBeDefined();
          expect(result!.failures).toEqual([]);
          expect(result!.checks).toBeGreaterThan(0);
        });
      }
    });
  }
});
