// deepscript's core runs unchanged in a browser: the library bundled by esbuild, served from a
// cross-origin-isolated page, run in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core; no browser is downloaded). The page (entry.ts) checks the WASM kernels against
// the CPU reference, trains a small MLP and reports whether worker threads ran kernel chunks. The
// same page served without the isolation headers must work too, single-threaded.
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium } from "playwright-core";
import { bundleEntry } from "./bundle.js";
import type { BrowserResult } from "./protocol.js";
import { PLAIN_PREFIX, serveStatic } from "./server.js";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`test/browser: skipped, ${CHROMIUM} not found (apt-get install chromium; .ci/run installs it)`);

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>deepscript browser check</title>
<link rel="icon" href="data:,">
<script type="module" src="./entry.js"></script>
`;

interface PageRun {
  result: BrowserResult;
  log: string[];
}

/** Bundles and serves the page, loads it isolated and plain in headless Chromium; returns what entry.ts reported. */
async function runInChromium(): Promise<{ isolated: PageRun; plain: PageRun }> {
  const dir = await mkdtemp(join(tmpdir(), "deepscript-browser-"));
  const profile = await mkdtemp(join(tmpdir(), "deepscript-chromium-profile-"));
  const server = await (async () => {
    await bundleEntry(dir);
    await writeFile(join(dir, "index.html"), PAGE);
    return serveStatic(dir);
  })();
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
  const load = async (url: string): Promise<PageRun> => {
    const log: string[] = [];
    const page = await context.newPage();
    page.on("console", (m) => log.push(`console.${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => log.push(`pageerror: ${e.message}`));
    page.on("requestfailed", (r) => log.push(`requestfailed: ${r.url()} ${r.failure()?.errorText ?? ""}`));
    await page.goto(url);
    const handle = await page
      .waitForFunction(() => (globalThis as { __result?: string }).__result, undefined, { timeout: 60_000, polling: 100 })
      .catch((error: unknown) => {
        throw new Error(`${url} never reported a result (${String(error)}); page log:\n${log.join("\n")}`);
      });
    const parsed = JSON.parse((await handle.jsonValue()) as string) as BrowserResult | { error: string };
    await page.close();
    if ("error" in parsed) throw new Error(`${url} failed: ${parsed.error}\npage log:\n${log.join("\n")}`);
    return { result: parsed, log };
  };
  try {
    const isolated = await load(server.url);
    const plain = await load(new URL(PLAIN_PREFIX, server.url).href);
    return { isolated, plain };
  } finally {
    await context.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
    await rm(profile, { recursive: true, force: true });
  }
}

describe("deepscript in headless Chromium", () => {
  let runs: { isolated: PageRun; plain: PageRun } | null = null;
  beforeAll(async () => {
    if (hasChromium) runs = await runInChromium();
  });
  afterAll(() => {
    if (runs) {
      const summary = (r: PageRun) => ({ ms: Math.round(r.result.ms), threads: r.result.threads });
      console.info(`test/browser: ${JSON.stringify({ isolated: summary(runs.isolated), plain: summary(runs.plain) })}`);
    }
  });
  const skip = !hasChromium;

  for (const mode of ["isolated", "plain"] as const) {
    it.skipIf(skip)(`${mode} page: imports src/index.ts and picks the WASM backend (skipped without ${CHROMIUM})`, () => {
      const run = runs![mode];
      expect(run.result.backend).toBe("wasm");
      expect(run.log.filter((l) => !l.startsWith("console.log"))).toEqual([]);
    });

    it.skipIf(skip)(`${mode} page: WASM kernels agree with the CPU reference within float32 bounds`, () => {
      const { kernels } = runs![mode].result;
      expect(kernels.length).toBeGreaterThanOrEqual(18);
      for (const check of kernels) expect(check.error, check.name).toBeLessThanOrEqual(check.bound);
    });

    it.skipIf(skip)(`${mode} page: a 2-layer MLP trained with SGD and cross-entropy lowers its loss`, () => {
      const { losses, accuracy, backend } = runs![mode].result.training;
      expect(backend).toBe("wasm");
      expect(losses).toHaveLength(40);
      expect(losses.every(Number.isFinite)).toBe(true);
      // Three blobs with centres ≥ 4 apart and σ = 0.5 (8σ): nearly separable.
      expect(losses.at(-1)!).toBeLessThan(0.25 * losses[0]!);
      expect(accuracy).toBeGreaterThanOrEqual(0.95);
    });

    it.skipIf(skip)(`${mode} page: a 2-256-64-3 MLP trained with Adam lowers its loss (weights pinned only with shared memory)`, () => {
      const { losses, accuracy, backend, pinned } = runs![mode].result.trainingLarge;
      expect(backend).toBe("wasm");
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses.at(-1)!).toBeLessThan(0.25 * losses[0]!);
      expect(accuracy).toBeGreaterThanOrEqual(0.95);
      expect(pinned).toBe(mode === "isolated");
    });
  }

  it.skipIf(skip)("isolated page: GEMM chunks run on worker threads, with correct results", () => {
    const t = runs!.isolated.result.threads;
    expect(t.crossOriginIsolated).toBe(true);
    expect(t.sharedArrayBuffer).toBe(true);
    expect(t.variant).toMatch(/Shared$/);
    // Default: one thread per logical core (the pool caps at 64).
    expect(t.defaultThreads).toBe(Math.min(t.hardwareConcurrency, 64));
    expect(t.threads).toBeGreaterThan(1);
    expect(t.workerChunks.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(t.threadedMatmulError).toBeLessThanOrEqual(t.threadedMatmulBound);
  });

  it.skipIf(skip)("plain page (no COOP/COEP): no SharedArrayBuffer, so one thread and the unshared kernel module", () => {
    const t = runs!.plain.result.threads;
    expect(t.crossOriginIsolated).toBe(false);
    expect(t.sharedArrayBuffer).toBe(false);
    expect(t.variant).not.toMatch(/Shared$/);
    expect(t.defaultThreads).toBe(1);
    expect(t.workerChunks).toEqual([]);
  });
});
