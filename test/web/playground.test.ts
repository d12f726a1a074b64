// The playground (web/) in headless Chromium: every page builds, loads from the 127.0.0.1 server with
// COOP/COEP and reports its backend, logs no errors, and responds to its controls. Screenshots go to
// test-artifacts/web/ (git-ignored). Debian's /usr/bin/chromium through playwright-core; no browser is
// downloaded and nothing leaves the machine.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { buildPlayground, PAGES } from "../../web/build.js";
import { PLAIN_PREFIX, servePlayground, type PlaygroundServer } from "../../web/server.js";
import { tinyShakespeare } from "../../src/text/tinyShakespeare.js";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`test/web: skipped, ${CHROMIUM} not found (apt-get install chromium; .ci/run installs it)`);
const ARTIFACTS = fileURLToPath(new URL("../../test-artifacts/web/", import.meta.url));

let browser: Browser | null = null;
let server: PlaygroundServer | null = null;
let dir = "";

interface Opened {
  page: Page;
  /** Console messages other than console.log/info/debug, page errors and failed requests. */
  problems: string[];
}

async function open(path: string): Promise<Opened> {
  const page = await browser!.newPage({ viewport: { width: 1200, height: 900 } });
  const problems: string[] = [];
  page.on("console", (m) => {
    if (!["log", "info", "debug"].includes(m.type())) problems.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText ?? ""}`));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await page.goto(new URL(path, server!.url).href);
  await page.waitForSelector("body[data-ready]", { timeout: 30_000 });
  expect(await page.getAttribute("body", "data-ready"), `page error: ${problems.join("\n")}`).toBe("1");
  return { page, problems };
}

/** Pixel variance of a canvas over its RGB values (0 for a blank or single-colour canvas). */
async function canvasVariance(page: Page, id: string): Promise<number> {
  // Page-side code as strings: the root tsconfig has no DOM types.
  return page.evaluate<number>(`(() => {
    const canvas = document.getElementById(${JSON.stringify(id)});
    const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0, sum = 0, sq = 0;
    for (let i = 0; i < data.length; i += 4) {
      for (let c = 0; c < 3; c++) { const v = data[i + c]; n++; sum += v; sq += v * v; }
    }
    return sq / n - (sum / n) ** 2;
  })()`);
}

/** RGB of one canvas pixel at a fraction (fx, fy) of its size. */
async function pixel(page: Page, id: string, fx: number, fy: number): Promise<[number, number, number]> {
  return page.evaluate<[number, number, number]>(`(() => {
    const canvas = document.getElementById(${JSON.stringify(id)});
    const d = canvas.getContext("2d").getImageData(Math.floor(${fx} * canvas.width), Math.floor(${fy} * canvas.height), 1, 1).data;
    return [d[0], d[1], d[2]];
  })()`);
}

/** Every canvas is drawn (variance > 0), and the header, backend label and legend lie inside the viewport and their panel. */
async function checkStructure(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  const canvases = await page.$$eval("canvas", (cs) => cs.map((c) => c.id));
  for (const id of canvases) expect(await canvasVariance(page, id), `${name}: canvas #${id} is blank`).toBeGreaterThan(0);
  interface Box { left: number; right: number; top: number; bottom: number; width: number; height: number }
  const boxes = await page.evaluate<{ width: number; scrollWidth: number; header: Box; backend: Box; legend: Box | null; legendPanel: Box | null; legendItems: Box[] }>(`(() => {
    const rect = (el) => (el ? el.getBoundingClientRect().toJSON() : null);
    const legend = document.getElementById("legend");
    return {
      width: document.documentElement.clientWidth,
      scrollWidth: document.documentElement.scrollWidth,
      header: rect(document.querySelector("header h1")),
      backend: rect(document.getElementById("backend")),
      legend: rect(legend),
      legendPanel: rect(legend ? legend.closest(".panel") : null),
      legendItems: legend ? Array.from(legend.children, (c) => c.getBoundingClientRect().toJSON()) : [],
    };
  })()`);
  expect(boxes.scrollWidth, `${name}: the page scrolls sideways`).toBeLessThanOrEqual(boxes.width);
  for (const key of ["header", "backend"] as const) {
    const b = boxes[key]!;
    expect(b.width * b.height, `${name}: ${key} is not shown`).toBeGreaterThan(0);
    expect(b.left).toBeGreaterThanOrEqual(0);
    expect(b.right).toBeLessThanOrEqual(boxes.width);
  }
  if (boxes.legend) {
    const panel = boxes.legendPanel!;
    for (const item of boxes.legendItems) {
      expect(item.left, `${name}: legend item outside its panel`).toBeGreaterThanOrEqual(panel.left);
      expect(item.right, `${name}: legend item outside its panel`).toBeLessThanOrEqual(panel.right);
      expect(item.top).toBeGreaterThanOrEqual(panel.top);
      expect(item.bottom).toBeLessThanOrEqual(panel.bottom);
    }
  }
}

const text = async (page: Page, selector: string): Promise<string> => (await page.textContent(selector)) ?? "";
const data = async (page: Page, selector: string, key: string): Promise<string> => (await page.getAttribute(selector, `data-${key}`)) ?? "";

describe.skipIf(!hasChromium)(`playground in headless Chromium (skipped without ${CHROMIUM})`, () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "deepscript-playground-"));
    await buildPlayground(dir);
    server = await servePlayground(dir);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("index links every page, and every link loads", async () => {
    const { page, problems } = await open("/");
    const links = await page.$$eval("#pages a", (as) => as.map((a) => a.getAttribute("href")));
    expect(links).toEqual(PAGES.map((p) => `${p}.html`));
    await checkStructure(page, "index");
    await page.click("#pages a[href='classify.html']");
    await page.waitForSelector("body[data-ready='1']");
    expect(page.url()).toMatch(/classify\.html$/);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("2-D classification: WASM on threads; Start trains the circle to ≥ 90 % test accuracy within 150 epochs; Pause, Step and Reset work", async () => {
    const { page, problems } = await open("/classify.html");
    expect(await page.evaluate<boolean>("crossOriginIsolated")).toBe(true);
    expect(await text(page, "#backend")).toMatch(/^Backend: WASM · \d+ threads? \(cross-origin isolated\)$/);
    expect(await page.inputValue("#dataset")).toBe("circle");
    expect(await data(page, "#stats", "epoch")).toBe("0");
    await page.click("#play");
    await page.waitForFunction(`(() => {
      const s = document.getElementById("stats").dataset;
      return Number(s.testAccuracy) >= 0.9 || Number(s.epoch) >= 150;
    })()`, undefined, { timeout: 40_000, polling: 50 });
    await page.click("#play"); // pause
    const epoch = Number(await data(page, "#stats", "epoch"));
    const accuracy = Number(await data(page, "#stats", "test-accuracy"));
    expect(accuracy, `test accuracy after ${epoch} epochs`).toBeGreaterThanOrEqual(0.9);
    expect(epoch).toBeLessThan(150);
    // The boundary: the circle's centre is blue (class 1), the corners orange (class 0).
    const [cr, , cb] = await pixel(page, "boundary", 0.5, 0.5);
    expect(cb).toBeGreaterThan(cr + 60);
    for (const [fx, fy] of [[0.02, 0.1], [0.98, 0.1]]) {
      const [r, , b] = await pixel(page, "boundary", fx, fy);
      expect(r).toBeGreaterThan(b + 60);
    }
    // Paused: no more epochs. Step: exactly one. Reset: back to 0.
    const paused = Number(await data(page, "#stats", "epoch"));
    await page.waitForTimeout(200);
    expect(Number(await data(page, "#stats", "epoch"))).toBe(paused);
    await page.click("#step");
    expect(Number(await data(page, "#stats", "epoch"))).toBe(paused + 1);
    await checkStructure(page, "classify");
    await page.click("#reset");
    expect(await data(page, "#stats", "epoch")).toBe("0");
    // With the features x₁² and x₂² the circle is linearly separable: no hidden layer is needed.
    await page.uncheck("#feature-x1");
    await page.uncheck("#feature-x2");
    await page.check("#feature-x1sq");
    await page.check("#feature-x2sq");
    await page.fill("#layers", "");
    await page.press("#layers", "Enter");
    expect(await data(page, "#stats", "epoch")).toBe("0");
    await page.click("#play");
    await page.waitForFunction(`(() => {
      const s = document.getElementById("stats").dataset;
      return Number(s.testAccuracy) >= 0.9 || Number(s.epoch) >= 150;
    })()`, undefined, { timeout: 40_000, polling: 50 });
    await page.click("#play");
    expect(Number(await data(page, "#stats", "test-accuracy"))).toBeGreaterThanOrEqual(0.9);
    // Another dataset and model from the controls.
    await page.selectOption("#dataset", "spiral");
    await page.fill("#layers", "16, 16");
    await page.press("#layers", "Enter");
    await page.selectOption("#activation", "relu");
    await page.click("#step");
    expect(await data(page, "#stats", "epoch")).toBe("1");
    // A bad setting is reported on the page, not thrown.
    await page.fill("#layers", "8, x");
    await page.press("#layers", "Enter");
    expect(await text(page, "#message")).toMatch(/hidden layers/);
    await page.fill("#layers", "4");
    await page.press("#layers", "Enter");
    expect(await text(page, "#message")).toBe("");
    await page.uncheck("#feature-x1sq");
    await page.uncheck("#feature-x2sq");
    expect(await text(page, "#message")).toMatch(/at least one input feature/);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("2-D classification without COOP/COEP says it runs on one thread", async () => {
    const { page, problems } = await open(`${PLAIN_PREFIX}classify.html`);
    expect(await page.evaluate<boolean>("crossOriginIsolated")).toBe(false);
    expect(await text(page, "#backend")).toMatch(/^Backend: WASM · 1 thread \(page not cross-origin isolated/);
    await page.click("#step");
    expect(await data(page, "#stats", "epoch")).toBe("1");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("draw a digit: strokes drawn with the mouse change the prediction (a stroke is a 1, a ring a 0); Clear empties it", async () => {
    const { page, problems } = await open("/digits.html");
    expect(await text(page, "#backend")).toMatch(/^Backend: WASM/);
    expect(await text(page, "#model-info")).toMatch(/% on 2,000 held-out MNIST digits/);
    expect(await data(page, "#prediction", "digit")).toBe("");
    const box = (await page.locator("#pad").boundingBox())!;
    const draw = async (points: [number, number][]) => {
      await page.mouse.move(box.x + points[0]![0] * box.width, box.y + points[0]![1] * box.height);
      await page.mouse.down();
      for (const [fx, fy] of points.slice(1)) await page.mouse.move(box.x + fx * box.width, box.y + fy * box.height, { steps: 2 });
      await page.mouse.up();
      await page.waitForFunction(`document.getElementById("prediction").dataset.digit !== ""`);
    };
    await draw(Array.from({ length: 11 }, (_, i) => [0.5, 0.15 + 0.07 * i] as [number, number]));
    expect(await data(page, "#prediction", "digit")).toBe("1");
    const probs = (await data(page, "#bars", "probs")).split(",").map(Number);
    expect(probs).toHaveLength(10);
    expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);
    expect(await canvasVariance(page, "input28")).toBeGreaterThan(0);
    await page.click("#clear");
    expect(await data(page, "#prediction", "digit")).toBe("");
    expect(await canvasVariance(page, "pad")).toBe(0);
    await draw(Array.from({ length: 41 }, (_, i) => [0.5 + 0.28 * Math.cos((i * Math.PI) / 20), 0.5 + 0.35 * Math.sin((i * Math.PI) / 20)] as [number, number]));
    expect(await data(page, "#prediction", "digit")).toBe("0");
    await checkStructure(page, "digits");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("gridworld: value iteration on cliff walking finds v*(S) = −13 (the 13-step path along the cliff); Q-learning's greedy path becomes that path", async () => {
    const { page, problems } = await open("/gridworld.html");
    expect(await text(page, "#backend")).toMatch(/^Backend: WASM/);
    await page.click("#step");
    expect(await data(page, "#stats", "iterations")).toBe("1");
    await page.click("#play");
    await page.waitForFunction(`document.getElementById("stats").dataset.done === "true"`, undefined, { timeout: 20_000 });
    // Sutton & Barto Example 6.6: the optimal path walks the cliff edge, 13 steps at −1.
    expect(Number(await data(page, "#stats", "start-value"))).toBeCloseTo(-13, 9);
    expect(await text(page, "#path-length")).toBe("13");
    await checkStructure(page, "gridworld-value-iteration");
    await page.selectOption("#algorithm", "q-learning");
    expect(await data(page, "#stats", "iterations")).toBe("0");
    await page.click("#step");
    expect(await data(page, "#stats", "iterations")).toBe("10");
    await page.fill("#episodes-per-step", "50"); // fewer reruns of the 500 episodes (the result does not depend on it)
    await page.press("#episodes-per-step", "Enter");
    expect(await data(page, "#stats", "iterations")).toBe("0");
    await page.click("#play");
    await page.waitForFunction(`document.getElementById("stats").dataset.done === "true"`, undefined, { timeout: 40_000 });
    expect(await data(page, "#stats", "iterations")).toBe("500");
    expect(await text(page, "#path-length")).toBe("13");
    await checkStructure(page, "gridworld-q-learning");
    // The book's 5×5 gridworld (Example 3.5), γ = 0.9 set by the page.
    await page.selectOption("#env", "grid5");
    await page.selectOption("#algorithm", "value-iteration");
    expect(await page.inputValue("#gamma")).toBe("0.9");
    await page.click("#play");
    await page.waitForFunction(`document.getElementById("stats").dataset.done === "true"`, undefined, { timeout: 20_000 });
    // Figure 3.5: v*(A) = 24.4, the largest optimal value of the grid.
    expect(Number(await text(page, "#v-max"))).toBeCloseTo(24.42, 1);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("optimizer race: BFGS, L-BFGS and CMA-ES reach Rosenbrock's minimum (1, 1); a click on the plot moves the start; Beale's minimum is (3, ½)", async () => {
    const { page, problems } = await open("/optimizers.html");
    expect(await text(page, "#backend")).toMatch(/^Backend: WASM/);
    expect(await text(page, "#start")).toBe("(-1.20, 1.00)");
    await page.click("#step");
    expect(await data(page, "#stats", "t")).toBe("1");
    await page.click("#play");
    await page.waitForFunction(`document.getElementById("play").textContent === "Race"`, undefined, { timeout: 30_000 });
    const rows = async () => page.$$eval("#table-body tr", (trs) => trs.map((tr) => ({ method: tr.getAttribute("data-method"), f: Number(tr.getAttribute("data-f")), x: tr.children[3]!.textContent })));
    const finished = await rows();
    expect(finished.map((r) => r.method)).toEqual(["sgd", "momentum", "adam", "bfgs", "l-bfgs", "cma-es"]);
    for (const r of finished.filter((r) => ["bfgs", "l-bfgs", "cma-es"].includes(r.method!))) {
      expect(r.f, r.method!).toBeLessThan(1e-8);
      expect(r.x).toBe("(1.000, 1.000)");
    }
    // First-order methods descend from f(−1.2, 1) = 24.2 but, on Rosenbrock's curved valley, far more slowly.
    for (const r of finished.filter((r) => ["sgd", "momentum", "adam"].includes(r.method!))) expect(r.f, r.method!).toBeLessThan(24.2);
    await checkStructure(page, "optimizers-rosenbrock");
    const box = (await page.locator("#contour").boundingBox())!;
    await page.mouse.click(box.x + 0.25 * box.width, box.y + 0.75 * box.height); // x = −1, y = 0 on [−2, 2] × [−1, 3]
    expect(await text(page, "#start")).toBe("(-1.00, 0.00)");
    await page.selectOption("#function", "beale");
    expect(await text(page, "#start")).toBe("(1.00, 1.50)");
    await page.fill("#iterations", "300"); // quasi-Newton needs tens; a shorter race
    await page.press("#iterations", "Enter");
    await page.click("#play");
    await page.waitForFunction(`document.getElementById("play").textContent === "Race"`, undefined, { timeout: 30_000 });
    const beale = await rows();
    expect(beale.find((r) => r.method === "bfgs")!.x).toBe("(3.000, 0.500)");
    await checkStructure(page, "optimizers-beale");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("char-GPT: the shipped text is tiny Shakespeare's first 100,000 characters; training lowers the loss from ln(vocabulary); Sample writes the requested number of characters from the vocabulary", async () => {
    const slice = await readFile(fileURLToPath(new URL("../../web/assets/tinyshakespeare-100k.txt", import.meta.url)), "utf8");
    expect(slice.length).toBe(100_000);
    expect(slice).toBe((await tinyShakespeare()).slice(0, 100_000));
    const vocab = [...new Set(slice)].sort().join("");
    const { page, problems } = await open("/gpt.html");
    expect(await text(page, "#backend")).toMatch(/^Backend: WASM · \d+ threads? \(cross-origin isolated\)$/);
    expect(await data(page, "#sample", "vocab")).toBe(vocab);
    expect(await text(page, "#model-info")).toMatch(new RegExp(`^[\\d,]+ parameters · vocabulary of ${vocab.length} characters$`));
    expect(await data(page, "#stats", "step")).toBe("0");
    // An untrained model predicts nearly uniformly: cross-entropy ≈ ln(vocabulary).
    const val0 = Number(await data(page, "#stats", "val-loss"));
    expect(Math.abs(val0 - Math.log(vocab.length))).toBeLessThan(0.2);
    await page.click("#train");
    await page.waitForFunction(`Number(document.getElementById("stats").dataset.step) >= 60`, undefined, { timeout: 30_000, polling: 50 });
    await page.click("#train"); // pause
    const losses = (await data(page, "#stats", "losses")).split(",").map(Number);
    const steps = Number(await data(page, "#stats", "step"));
    expect(losses).toHaveLength(steps);
    expect(Math.abs(losses[0]! - Math.log(vocab.length))).toBeLessThan(0.2);
    const last10 = losses.slice(-10).reduce((a, b) => a + b, 0) / 10;
    expect(last10, `mean of the last 10 of ${steps} training losses`).toBeLessThan(losses[0]! - 0.7);
    expect(Number(await data(page, "#stats", "val-loss")), "validation loss after 50+ steps").toBeLessThan(val0 - 0.7);
    // Paused: no more steps. Step: exactly one.
    await page.waitForTimeout(150);
    expect(Number(await data(page, "#stats", "step"))).toBe(steps);
    await page.click("#step");
    expect(Number(await data(page, "#stats", "step"))).toBe(steps + 1);
    // Sampling: 40 characters after the prompt, all from the vocabulary, appearing one per frame.
    await page.fill("#length", "40");
    await page.fill("#prompt", "KING:\n");
    await page.click("#sample-button");
    await page.waitForFunction(`(() => { const g = document.getElementById("sample").dataset.generated; return g.length > 0 && g.length < 40; })()`, undefined, { timeout: 10_000, polling: 10 });
    await page.waitForFunction(`document.getElementById("sample").dataset.done === "true"`, undefined, { timeout: 20_000 });
    const generated = await data(page, "#sample", "generated");
    expect([...generated]).toHaveLength(40);
    for (const ch of generated) expect(vocab, `sampled ${JSON.stringify(ch)}`).toContain(ch);
    expect(await text(page, "#sample")).toBe(`KING:\n${generated}`);
    // A character outside the vocabulary is reported on the page.
    await page.fill("#prompt", "€");
    await page.click("#sample-button");
    expect(await text(page, "#message")).toMatch(/not in the vocabulary/);
    await checkStructure(page, "gpt");
    // A new model from the controls starts again at step 0.
    await page.fill("#n-embd", "30");
    await page.press("#n-embd", "Enter");
    expect(await text(page, "#message")).toMatch(/multiple of the head count/);
    await page.fill("#n-embd", "16");
    await page.press("#n-embd", "Enter");
    expect(await text(page, "#message")).toBe("");
    expect(await data(page, "#stats", "step")).toBe("0");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("char-GPT and 2-D GAN without COOP/COEP say they run on one thread, and still step", async () => {
    for (const name of ["gpt", "gan"]) {
      const { page, problems } = await open(`${PLAIN_PREFIX}${name}.html`);
      expect(await page.evaluate<boolean>("crossOriginIsolated")).toBe(false);
      expect(await text(page, "#backend")).toMatch(/^Backend: WASM · 1 thread \(page not cross-origin isolated/);
      await page.click("#step");
      expect(await data(page, "#stats", "step"), name).toBe("1");
      expect(problems, name).toEqual([]);
      await page.close();
    }
  });

  it("2-D GAN: LSGAN on the 8-Gaussian ring moves the samples onto the ring (mean distance → 2) and covers modes; Pause, Step, loss and target switches work", async () => {
    const { page, problems } = await open("/gan.html");
    expect(await text(page, "#backend")).toMatch(/^Backend: WASM · \d+ threads? \(cross-origin isolated\)$/);
    expect(await page.inputValue("#loss")).toBe("lsgan");
    expect(await data(page, "#stats", "step")).toBe("0");
    expect(await data(page, "#stats", "modes")).toBe("8");
    expect(await data(page, "#stats", "modes-covered")).toBe("0");
    const radius0 = Number(await data(page, "#stats", "mean-radius"));
    expect(Math.abs(radius0 - 2), "the untrained generator is not already on the ring").toBeGreaterThan(0.5);
    const heat0 = await canvasVariance(page, "plane");
    await page.click("#play");
    await page.waitForFunction(`(() => {
      const s = document.getElementById("stats").dataset;
      return Number(s.modesCovered) >= 1 || Number(s.step) >= 1500;
    })()`, undefined, { timeout: 60_000, polling: 50 });
    await page.click("#play"); // pause
    const steps = Number(await data(page, "#stats", "step"));
    expect(steps, "generator steps before a mode was covered").toBeLessThan(1500);
    expect(Number(await data(page, "#stats", "modes-covered"))).toBeGreaterThanOrEqual(1);
    expect(Math.abs(Number(await data(page, "#stats", "mean-radius")) - 2), "mean distance of the samples from the ring's radius").toBeLessThan(0.3);
    expect(await canvasVariance(page, "plane")).not.toBe(heat0);
    await page.waitForTimeout(150);
    expect(Number(await data(page, "#stats", "step"))).toBe(steps);
    await page.click("#step");
    expect(Number(await data(page, "#stats", "step"))).toBe(steps + 1);
    await checkStructure(page, "gan-ring");
    // WGAN-GP: a new pair of networks; one step (5 critic steps with the gradient penalty) gives finite losses.
    await page.selectOption("#loss", "wgan-gp");
    expect(await data(page, "#stats", "step")).toBe("0");
    await page.click("#step");
    expect(await data(page, "#stats", "step")).toBe("1");
    expect(Number.isFinite(Number(await text(page, "#d-loss")))).toBe(true);
    expect(Number.isFinite(Number(await text(page, "#g-loss")))).toBe(true);
    await page.selectOption("#target", "grid");
    expect(await data(page, "#stats", "modes")).toBe("25");
    expect(await text(page, "#modes")).toMatch(/^\d+ \/ 25$/);
    await page.click("#play");
    await page.waitForFunction(`Number(document.getElementById("stats").dataset.step) >= 20`, undefined, { timeout: 20_000, polling: 50 });
    await page.click("#play");
    await checkStructure(page, "gan-grid");
    await page.fill("#batch", "2");
    await page.press("#batch", "Enter");
    expect(await text(page, "#message")).toMatch(/batch/);
    expect(problems).toEqual([]);
    await page.close();
  });
});
