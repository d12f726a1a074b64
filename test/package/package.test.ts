// The package as a user installs it: `npm pack`, unpacked into node_modules/deepscript of a temporary
// project, then imported from ES modules and CommonJS, type-checked by TypeScript 5 and 7, bundled for a
// browser, and used to train a small model.
//
// Installing: the tarball is unpacked with tar (what `npm install <tarball>` puts in node_modules), and
// each of its runtime "dependencies" is a symlink into this repository's node_modules. That needs no
// network and no npm cache and takes well under a second; since the package's own files are real files in
// the temporary project, a bare import of anything not listed in "dependencies" (a devDependency, say)
// fails there as it would for a user. What it does not check is npm's resolution of the version ranges.
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build, transform } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  exports: Record<string, unknown>;
};
/** Subpath entries: "rl", "nn", … (not "." or "./package.json"). */
const SUBPATHS = Object.keys(pkg.exports).filter((k) => k !== "." && k !== "./package.json").map((k) => k.slice(2));
/** Node >= 20.19 / 22.12 load the ES modules for require() too; older Node (or this flag) uses dist/cjs. */
const requireEsm = (process.features as { require_module?: boolean }).require_module === true;

let tmp = "";
let app = "";

function newest(dir: string, keep: (file: string) => boolean): number {
  let latest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    if (stat.isDirectory()) latest = Math.max(latest, newest(path, keep));
    else if (keep(path)) latest = Math.max(latest, stat.mtimeMs);
  }
  return latest;
}

/** Rebuilds dist/ when a source is newer than it (CI builds in `npm ci`; a local edit may not have). */
function ensureBuilt(): void {
  const outputs = [join(ROOT, "dist/index.js"), join(ROOT, "dist/cjs/deepscript.cjs")];
  const built = outputs.every(existsSync) ? Math.min(...outputs.map((f) => statSync(f).mtimeMs)) : 0;
  const sources = Math.max(
    newest(join(ROOT, "src"), (f) => f.endsWith(".ts")),
    newest(join(ROOT, "scripts"), () => true),
    statSync(join(ROOT, "package.json")).mtimeMs,
    statSync(join(ROOT, "tsconfig.build.json")).mtimeMs,
  );
  if (sources > built) {
    console.info("test/package: dist/ is older than its sources; running npm run build");
    execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "ignore" });
  }
}

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd = app): Promise<Run> {
  return new Promise((done) => {
    execFile(command, args, { cwd, encoding: "utf8", timeout: 90_000, env: { ...process.env, DEEPSCRIPT_BACKEND: undefined, DEEPSCRIPT_QUIET: undefined } }, (error, stdout, stderr) => {
      done({ status: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** Runs a script of the temporary project with Node and parses the JSON it prints last. */
async function node<T>(file: string, flags: string[] = []): Promise<T> {
  const result = await run(process.execPath, [...flags, file]);
  if (result.status !== 0) throw new Error(`node ${flags.join(" ")} ${file} failed (${result.status}):\n${result.stderr}${result.stdout}`);
  expect(result.stderr, `${file} wrote to stderr`).toBe("");
  return JSON.parse(result.stdout.trim().split("\n").at(-1)!) as T;
}

// ---- what the README shows -------------------------------------------------------------------------

const README = readFileSync(join(ROOT, "README.md"), "utf8");
/** The README's code: fenced blocks and inline code spans. */
const readmeCode = [...README.matchAll(/```[a-z ]*\n([\s\S]*?)```|`([^`\n]+)`/g)].map((m) => m[1] ?? m[2]!).join("\n");
const NAMESPACES = ["ds", "nn", "optim", "data", "train", "io", "onnx", "tensorboard", "rl", "games", "optimize", "plot", "linalg", "text", "distributions", "vision"];
/**
 * The README's runnable snippets: every block fenced as ```ts (an ES module) or ```js (CommonJS). Blocks
 * that only show a part of a program are fenced ```ts fragment and are not run.
 */
const readmeSnippets = [...README.matchAll(/```(ts|js)\n([\s\S]*?)```/g)].map((m, i) => ({ index: i, kind: m[1] as "ts" | "js", code: m[2]! }));
/** Every dotted name the README uses under a namespace of the package, as a path from the main entry ("nn.Linear"). */
const readmeNames = [
  ...new Set(
    [...readmeCode.matchAll(new RegExp(`(?<![\\w.$/-])(${NAMESPACES.join("|")})((?:\\.[A-Za-z_$][\\w$]*)+)`, "g"))].map((m) =>
      (m[1] === "ds" ? m[2]!.slice(1) : m[1]! + m[2]!),
    ),
  ),
].sort();
/** Every module specifier the README imports or requires. */
const readmeSpecifiers = [...new Set([...readmeCode.matchAll(/(?:from\s+|require\(\s*|import\(\s*)"(deepscript(?:\/[\w-]+)?)"/g)].map((m) => m[1]!))].sort();

/** The probe both module systems run: README names, subpath entries, and a small training run. */
function probe(load: string): string {
  return `
${load}
const atImport = ds.getBackendName();
const names = ${JSON.stringify(readmeNames)};
const missing = names.filter((name) => name.split(".").reduce((v, k) => (v == null ? undefined : v[k]), ds) === undefined);
const subpaths = {};
for (const name of ${JSON.stringify(SUBPATHS)}) {
  const mod = await entry("deepscript/" + name);
  subpaths[name] = name === "node" ? mod.loadMnist === ds.data.loadMnist && mod.ProgressBar === ds.train.ProgressBar && mod.savePlot === ds.plot.savePlot : mod === ds[name];
}
const specifiers = {};
for (const spec of ${JSON.stringify(readmeSpecifiers)}) specifiers[spec] = typeof (await entry(spec));

// y = 3x + 0.5 learnt by train.fit with SGD: the fitted weight and bias must approach 3 and 0.5.
ds.manualSeed(0);
const x = ds.linspace(-1, 1, 64).reshape([64, 1]);
const y = x.mul(3).add(0.5);
const model = new ds.nn.Linear(1, 1);
const lines = [];
const history = await ds.train.fit(model, {
  trainLoader: new ds.data.DataLoader(new ds.data.TensorDataset(x, y), { batchSize: 16, shuffle: true, seed: 1 }),
  loss: (out, target) => ds.nn.functional.mseLoss(out, target),
  optimizer: new ds.optim.SGD(model.parameters(), { lr: 0.3 }),
  epochs: 40,
  callbacks: [new ds.train.ProgressBar({ plain: true, log: (line) => lines.push(line) })],
});
await ds.ready();
console.log(JSON.stringify({
  atImport, missing, subpaths, specifiers,
  weight: model.weight.item(), bias: model.bias.item(), loss: history.series.loss.at(-1), lines: lines.length,
  backend: ds.getBackendName(), threads: ds.getNumThreads(), mnistTrain: ds.data.loadMnist().train.x.shape,
}));
`;
}

interface ProbeResult {
  atImport: string;
  missing: string[];
  subpaths: Record<string, boolean>;
  specifiers: Record<string, string>;
  weight: number;
  bias: number;
  loss: number;
  lines: number;
  backend: string;
  threads: number;
  mnistTrain: number[];
}

function expectProbe(result: ProbeResult): void {
  expect(result.atImport).toBe("wasm"); // the WASM backend is active as soon as import/require returns
  expect(result.missing).toEqual([]);
  expect(result.subpaths).toEqual(Object.fromEntries(SUBPATHS.map((s) => [s, true])));
  expect(result.specifiers).toEqual(Object.fromEntries(readmeSpecifiers.map((s) => [s, "object"])));
  expect(result.weight).toBeCloseTo(3, 2);
  expect(result.bias).toBeCloseTo(0.5, 2);
  expect(result.loss).toBeLessThan(1e-4);
  expect(result.lines).toBe(40);
  expect(result.backend).toBe("wasm");
  expect(result.threads).toBeGreaterThanOrEqual(1);
  expect(result.mnistTrain).toEqual([8000, 784]);
}

// ---- type-checking consumers -----------------------------------------------------------------------

/** A Node program using the README's names, the subpaths and the disposable protocol (no `using`: es2020 lacks it). */
const CONSUMER = (imports: string) => `${imports}

const x = ds.tensor([[1, 2], [3, 4]], { requiresGrad: true });
const w: ds.Tensor = ds.randn([2, 1], { requiresGrad: true });
const loss = x.matmul(w).relu().square().mean();
loss.backward();
const hessian: ds.Tensor = ds.hessian((v: ds.Tensor) => v.pow(3).sum())(ds.tensor([1, 2], { dtype: "float64" }));
const model = new nn.Sequential(new Linear(2, 8), new ds.nn.ReLU(), new Linear(8, 1));
const opt = new ds.optim.Adam(model.parameters(), { lr: 1e-3 });
opt.zeroGrad();
const env = rl.make("CartPole-v1");
const [observation] = env.reset({ seed: 0 });
const svg: string = ds.plot.linePlot({ series: [{ name: "loss", y: [3, 2, 1] }] });
const bar: ds.train.Callback = new ProgressBar({ plain: true });
const split: ds.data.MnistSplit = loadMnist();
const writer = new ds.tensorboard.SummaryWriter("runs/x");
writer[Symbol.dispose]();
hessian[Symbol.dispose]();
export async function main(): Promise<number> {
  await ds.ready();
  await ds.setNumThreads(1);
  await ds.onnx.exportModel(model, ds.randn([1, 2]), "m.onnx");
  const imported = await ds.onnx.importModel("m.onnx");
  await ds.train.fit(model, {
    trainLoader: new ds.data.DataLoader(new ds.data.TensorDataset(x, ds.zeros([2, 1])), { batchSize: 2 }),
    loss: ds.nn.functional.mseLoss, optimizer: opt, epochs: 1, callbacks: [bar],
  });
  return [...imported.parameters()].length + observation.length + svg.length + split.train.x.shape[0]! + loss.item() + w.size;
}
`;

const ESM_IMPORTS = `import * as ds from "deepscript";
import * as nn from "deepscript/nn";
import { Linear } from "deepscript/nn";
import * as rl from "deepscript/rl";
import { ProgressBar, loadMnist } from "deepscript/node";`;

const CJS_IMPORTS = `import ds = require("deepscript");
import nn = require("deepscript/nn");
import rl = require("deepscript/rl");
import { Linear } from "deepscript/nn";
import { ProgressBar, loadMnist } from "deepscript/node";`;

/** Browser code: the main entry only, no Node types (a bundler project). */
const BROWSER_CONSUMER = `import * as ds from "deepscript";
import { make } from "deepscript/rl";
const model = new ds.nn.Sequential(new ds.nn.Linear(4, 2));
const [obs] = make("CartPole-v1").reset({ seed: 1 });
const out: ds.Tensor = model.call(ds.tensor([obs]));
out[Symbol.dispose]();
export const svg: string = ds.plot.scatter({ series: [{ name: "a", x: [1], y: [2] }] });
`;

interface Check {
  name: string;
  files: string[];
  options: Record<string, unknown>;
}

const TS5 = join(ROOT, "node_modules/typescript/bin/tsc");
const TS7 = join(ROOT, "node_modules/typescript7/bin/tsc");

/**
 * The configurations a compiler checks: every one strict, with the package's declarations checked too
 * (skipLibCheck off). Without @types/node unless named: the declarations, deepscript/node's included, need
 * no Node types; the configurations with them check that their Symbol.dispose merges with deepscript's.
 */
function checks(compiler: "ts5" | "ts7"): Check[] {
  const list: Check[] = [];
  for (const target of ["es2020", "es2022"]) {
    const base = { strict: true, noEmit: true, skipLibCheck: false, target, lib: [target], types: [] };
    // consumer.mts is an ES module and consumer.cts a CommonJS one: the "import" and "require" declarations.
    list.push({ name: `Node ESM + CommonJS, nodenext, ${target}`, files: ["consumer.mts", "consumer.cts"], options: { ...base, module: "nodenext", moduleResolution: "nodenext" } });
    list.push({ name: `browser bundler, ${target} + dom`, files: ["browser.ts"], options: { ...base, lib: [target, "dom"], module: "esnext", moduleResolution: "bundler" } });
  }
  const withNode = { strict: true, noEmit: true, skipLibCheck: false, target: "es2022", lib: ["es2022"], types: ["node"] };
  if (compiler === "ts7") {
    list.push({ name: "Node ESM + CommonJS, nodenext, es2022, @types/node", files: ["consumer.mts", "consumer.cts"], options: { ...withNode, module: "nodenext", moduleResolution: "nodenext" } });
  } else {
    // Settings TypeScript 7 no longer offers: CommonJS under node16 (the .d.cts declarations) and node10 (typesVersions).
    list.push({ name: "CommonJS, node16, es2022, @types/node", files: ["consumer.cts"], options: { ...withNode, module: "node16", moduleResolution: "node16" } });
    list.push({ name: "CommonJS, node10, es2022, @types/node", files: ["consumer-node10.ts"], options: { ...withNode, module: "commonjs", moduleResolution: "node10" } });
  }
  return list;
}

/** Runs the compiler on each configuration, two at a time; "ok" or the compiler's output per configuration. */
async function typecheck(compiler: "ts5" | "ts7"): Promise<Record<string, string>> {
  const results: Record<string, string> = {};
  const pending = checks(compiler).map((check, i) => ({ check, config: `tsconfig.${compiler}.${i}.json` }));
  const worker = async (): Promise<void> => {
    for (let next = pending.shift(); next; next = pending.shift()) {
      writeFileSync(join(app, next.config), JSON.stringify({ compilerOptions: next.check.options, files: next.check.files }));
      const result = await run(process.execPath, [compiler === "ts5" ? TS5 : TS7, "-p", next.config]);
      results[next.check.name] = result.status === 0 ? "ok" : `exit ${result.status}: ${(result.stdout + result.stderr).trim()}`;
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}

// ---- the temporary project -------------------------------------------------------------------------

beforeAll(async () => {
  ensureBuilt();
  tmp = mkdtempSync(join(tmpdir(), "deepscript-package-"));
  const packed = JSON.parse(execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", tmp], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })) as { filename: string }[];
  app = join(tmp, "app");
  const installed = join(app, "node_modules", "deepscript");
  mkdirSync(installed, { recursive: true });
  execFileSync("tar", ["-xzf", join(tmp, packed[0]!.filename), "-C", installed, "--strip-components=1"]);
  for (const dep of Object.keys(pkg.dependencies)) symlinkSync(join(ROOT, "node_modules", dep), join(app, "node_modules", dep), "dir");
  mkdirSync(join(app, "node_modules", "@types"));
  symlinkSync(join(ROOT, "node_modules/@types/node"), join(app, "node_modules/@types/node"), "dir");
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));

  writeFileSync(join(app, "esm.mjs"), probe(`import * as ds from "deepscript";\nconst entry = (spec) => import(spec);`));
  writeFileSync(join(app, "cjs.cjs"), `(async () => {\n${probe(`const ds = require("deepscript");\nconst entry = async (spec) => require(spec);`)}\n})().catch((e) => { console.error(e); process.exit(1); });\n`);
  writeFileSync(join(app, "consumer.mts"), CONSUMER(ESM_IMPORTS));
  writeFileSync(join(app, "consumer.cts"), CONSUMER(CJS_IMPORTS));
  writeFileSync(join(app, "consumer-node10.ts"), CONSUMER(CJS_IMPORTS));
  writeFileSync(join(app, "browser.ts"), BROWSER_CONSUMER);
}, 240_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe("the packed package, installed", () => {
  it("the README shows the import forms and names this test checks", () => {
    expect(readmeSpecifiers).toEqual(expect.arrayContaining(["deepscript", "deepscript/nn", "deepscript/node"]));
    expect(readmeNames).toEqual(expect.arrayContaining(["tensor", "hessian", "nn.Linear", "onnx.exportModel", "tensorboard.SummaryWriter", "train.fit", "ready"]));
  });

  it("runs every README snippet (fenced ts or js) from the temporary project", async () => {
    expect(readmeSnippets.length).toBeGreaterThanOrEqual(5);
    const failures: string[] = [];
    for (const { index, kind, code } of readmeSnippets) {
      // Each in its own folder below the project (files it writes stay there), resolving deepscript from the project's node_modules.
      const dir = join(app, "snippets", String(index));
      mkdirSync(dir, { recursive: true });
      const file = join(dir, kind === "ts" ? "snippet.mjs" : "snippet.cjs");
      writeFileSync(file, kind === "ts" ? (await transform(code, { loader: "ts", format: "esm", target: "node20" })).code : code);
      const result = await run(process.execPath, [file], dir);
      if (result.status !== 0) failures.push(`README snippet ${index} (${code.split("\n")[0]}) exited ${result.status}:\n${result.stderr.slice(-2000)}`);
    }
    expect(failures).toEqual([]);
  }, 300_000);

  it("every module namespace of the main entry (ds.nn, ds.text, …) is a subpath entry too", () => {
    const index = readFileSync(join(ROOT, "src/index.ts"), "utf8");
    const namespaces = [...index.matchAll(/^export \* as (\w+) from "\.\/(\w+)\/index\.js";$/gm)].map((m) => m[1]!);
    expect(namespaces.length).toBeGreaterThan(10);
    expect(namespaces.filter((name) => !SUBPATHS.includes(name))).toEqual([]);
  });

  it("ES modules: every README name, every subpath (the same objects as the main entry's), WASM at import, a model trained", async () => {
    expectProbe(await node<ProbeResult>("esm.mjs"));
  });

  it("CommonJS: require() gives the same, with the ES modules where Node can require them and dist/cjs where not", async () => {
    expectProbe(await node<ProbeResult>("cjs.cjs"));
    // Node < 20.19 has no require(esm); this flag makes a newer Node behave the same, so dist/cjs runs.
    if (requireEsm) expectProbe(await node<ProbeResult>("cjs.cjs", ["--no-experimental-require-module"]));
  });

  it("under Node's require(esm), require and import share one copy of the library", async () => {
    writeFileSync(join(app, "shared.mjs"), `import { createRequire } from "node:module";
import * as ds from "deepscript";
const require = createRequire(import.meta.url);
console.log(JSON.stringify({ tensorClass: require("deepscript").Tensor === ds.Tensor, nn: require("deepscript/nn").Linear === ds.nn.Linear }));`);
    const shared = await node<Record<string, boolean>>("shared.mjs");
    expect(shared).toEqual({ tensorClass: requireEsm, nn: requireEsm });
  });

  it("type-checks under TypeScript 5 (strict, es2020 and es2022; ESM, CommonJS, browser bundler, node16, node10)", async () => {
    const results = await typecheck("ts5");
    expect(results).toEqual(Object.fromEntries(Object.keys(results).map((k) => [k, "ok"])));
    expect(Object.keys(results)).toHaveLength(6);
  });

  it("type-checks under TypeScript 7 (strict, es2020 and es2022; ESM, CommonJS, browser bundler)", async () => {
    const version = await run(process.execPath, [TS7, "-v"]);
    expect(version.stdout).toMatch(/^Version 7\./);
    const results = await typecheck("ts7");
    expect(results).toEqual(Object.fromEntries(Object.keys(results).map((k) => [k, "ok"])));
    expect(Object.keys(results)).toHaveLength(5);
  });

  it("bundles for a browser through package.json \"browser\": no node: module, the Node helpers replaced by errors", async () => {
    const result = await build({
      stdin: { contents: `import * as ds from "deepscript"; import * as rl from "deepscript/rl"; import * as node from "deepscript/node";\nexport { ds, rl, node };`, resolveDir: app, loader: "js" },
      bundle: true, format: "esm", platform: "browser", target: "es2022", write: false, splitting: false, logLevel: "silent",
    });
    const text = result.outputFiles.map((f) => f.text).join("\n");
    expect(text.match(/["']node:[a-z_/]+["']/g)).toBeNull();
    expect(text).toContain("needs Node.js (files or a terminal)"); // src/node/index.browser.ts
    expect(text).not.toContain("worker_threads");
  });
});
