// The CLI explains itself and refuses what it cannot do: --version, per-experiment --help, rejected options and values, run folders, status.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.js";
import { createRunFolder, replaceFileNoFollow, writeFileNoFollow } from "../../src/cli/runFolder.js";
import { experiments } from "../../src/experiments/index.js";
import type { Experiment } from "../../src/experiments/Experiment.js";

function capture() {
  const out: string[] = [], err: string[] = [];
  return { out, err, io: { log: (l: string) => void out.push(l), error: (l: string) => void err.push(l) } };
}

const cli = async (...args: string[]) => {
  const c = capture();
  const code = await runCli(["node", "deepscript", ...args], c.io);
  return { code, out: c.out.join("\n"), err: c.err.join("\n") };
};

const tmp = () => mkdtempSync(join(tmpdir(), "ds-cli-opts-"));

/** Registers a stand-in experiment for one test. */
function fake(experiment: Experiment): void {
  experiments.push(experiment);
  added.push(experiment);
}
const added: Experiment[] = [];
afterEach(() => {
  for (const e of added.splice(0)) experiments.splice(experiments.indexOf(e), 1);
});

describe("deepscript --version and run <experiment> --help", () => {
  it("--version prints the version in package.json", async () => {
    const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    const r = await cli("--version");
    expect(r.code).toBe(0);
    expect(r.out).toBe(version);
  });

  it("run <experiment> --help lists exactly that experiment's options with their meaning and defaults", async () => {
    const helps = new Set<string>();
    for (const e of experiments) {
      const r = await cli("run", e.name, "--help");
      expect(r.code, e.name).toBe(0);
      expect(r.out, e.name).toContain(`Usage: deepscript run ${e.name} [options]`);
      const flags = [...r.out.matchAll(/^\s+(?:-\w, )?(--[a-z0-9-]+)/gm)].map((m) => m[1]);
      const own = Object.keys(e.options).map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
      expect(flags.sort(), e.name).toEqual([...own, "--seed", "--out", "--tensorboard", "--no-png", "--help", ...(e.resumable ? ["--resume"] : [])].sort());
      const oneLine = r.out.replace(/\s+/g, " ");
      for (const option of Object.values(e.options)) {
        expect(oneLine, e.name).toContain(option.description.replace(/\s+/g, " "));
        if (option.default !== undefined) expect(oneLine, e.name).toContain(`(default: ${option.default})`);
      }
      helps.add(r.out);
    }
    expect(helps.size).toBe(experiments.length);
  });

  it("help for policy-evaluation-4x4 (no options of its own) and kuhn-cfr (iterations) differ in what they offer", async () => {
    expect((await cli("run", "policy-evaluation-4x4", "--help")).out).not.toContain("--epochs");
    expect((await cli("run", "kuhn-cfr", "--help")).out).toMatch(/--epochs <n>\s+full-tree iterations/);
  });
});

describe("deepscript run rejects what an experiment does not take", () => {
  it("an option the experiment does not declare is an error that points to its --help, and nothing is written", async () => {
    const out = join(tmp(), "run");
    for (const [name, flag] of [["policy-evaluation-4x4", "--epochs"], ["kuhn-cfr", "--lr"], ["optimizers", "--train-chars"]] as const) {
      const r = await cli("run", name, flag, "1", "--out", out);
      expect(r.code, name).toBe(1);
      expect(r.err, name).toContain(`unknown option '${flag}'`);
      expect(r.err, name).toContain(`deepscript run ${name} --help`);
    }
    expect(existsSync(out)).toBe(false);
  });

  it("--epochs must be a whole number ≥ 1 in decimal: 0, -1, 0x10, 1e3, 2.5 and an empty value are errors that say so", async () => {
    const out = join(tmp(), "run");
    const cases: [string[], RegExp][] = [
      [["--epochs", "0"], /--epochs must be at least 1, got 0/],
      [["--epochs", "-1"], /--epochs must be a whole number ≥ 1 written in decimal digits, got "-1"/],
      [["--epochs", "0x10"], /--epochs must be a whole number ≥ 1 written in decimal digits, got "0x10"/],
      [["--epochs", "1e3"], /got "1e3"/],
      [["--epochs", "2.5"], /got "2.5"/],
      [["--epochs="], /--epochs needs a whole number ≥ 1, got an empty value/],
      [["--epochs", ""], /--epochs needs a whole number ≥ 1, got an empty value/],
      [["--seed", "0x10"], /--seed must be a whole number ≥ 0 written in decimal digits, got "0x10"/],
      [["--lr", "0"], /--lr must be a positive number/],
      [["--lr", "0x1"], /--lr must be a positive number/],
    ];
    for (const [args, message] of cases) {
      const r = await cli("run", "minimax-bilinear", ...args, "--out", out);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.err, args.join(" ")).toMatch(message);
    }
    expect(existsSync(out)).toBe(false);
  });

  it("--out \"\" is an error, not the current folder", async () => {
    const r = await cli("run", "policy-evaluation-4x4", "--out", "");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--out needs a folder name, got an empty one/);
  });
});

describe("run folders", () => {
  it("a folder that already holds files (here a symlink planted at summary.json) is refused; the link's target is untouched", async () => {
    const root = tmp();
    const out = join(root, "run");
    mkdirSync(out);
    const victim = join(root, "victim.txt");
    writeFileSync(victim, "precious\n");
    symlinkSync(victim, join(out, "summary.json"));
    const r = await cli("run", "policy-evaluation-4x4", "--out", out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/already holds files; a run writes into a new or empty folder/);
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
    expect(readdirSync(out)).toEqual(["summary.json"]);
  });

  it("--out naming a symbolic link to a folder is refused", async () => {
    const root = tmp();
    mkdirSync(join(root, "real"));
    symlinkSync(join(root, "real"), join(root, "link"));
    const r = await cli("run", "policy-evaluation-4x4", "--out", join(root, "link"));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/is a symbolic link/);
    expect(readdirSync(join(root, "real"))).toEqual([]);
  });

  it("the runner's own writes never follow a link: O_NOFOLLOW refuses it, a rename replaces the link itself", () => {
    const root = tmp();
    const victim = join(root, "victim.txt");
    writeFileSync(victim, "precious\n");
    symlinkSync(victim, join(root, "a.json"));
    expect(() => writeFileNoFollow(join(root, "a.json"), "{}")).toThrow(/is a symbolic link; a run never writes through links/);
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
    symlinkSync(victim, join(root, "b.json"));
    replaceFileNoFollow(join(root, "b.json"), "{}\n");
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
    expect(readFileSync(join(root, "b.json"), "utf8")).toBe("{}\n");
    expect(() => readlinkSync(join(root, "b.json"))).toThrow();
    expect(readdirSync(root).sort()).toEqual(["a.json", "b.json", "victim.txt"]);
  });

  it("without --out, a run goes to runs/<name>, then runs/<name>-2, … — never into an earlier run's folder", () => {
    const cwd = process.cwd();
    process.chdir(tmp());
    try {
      const first = createRunFolder("demo-exp", undefined);
      expect(first).toBe(join(process.cwd(), "runs", "demo-exp"));
      writeFileSync(join(first, "summary.json"), "{}");
      expect(createRunFolder("demo-exp", undefined)).toBe(join(process.cwd(), "runs", "demo-exp-2"));
      // An empty folder (e.g. made by hand) is fresh and is used.
      expect(createRunFolder("demo-exp", undefined)).toBe(join(process.cwd(), "runs", "demo-exp-2"));
    } finally {
      process.chdir(cwd);
    }
  });
});

describe("PNG copies", () => {
  it("every SVG plot of a run gets a PNG of the same pixel size next to it; --no-png skips them", async () => {
    const out = join(tmp(), "run");
    expect((await cli("run", "gridworld-values", "--out", out)).code).toBe(0);
    const svgs = readdirSync(out).filter((f) => f.endsWith(".svg"));
    expect(svgs.length).toBeGreaterThan(0);
    for (const svg of svgs) {
      const png = readFileSync(join(out, svg.replace(/\.svg$/, ".png")));
      // PNG signature, then the IHDR chunk: width and height as big-endian 32-bit integers at bytes 16 and 20.
      expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      expect(png.subarray(12, 16).toString("latin1")).toBe("IHDR");
      const size = /<svg[^>]*\swidth="(\d+)"[^>]*\sheight="(\d+)"/.exec(readFileSync(join(out, svg), "utf8"))!;
      expect([png.readUInt32BE(16), png.readUInt32BE(20)], svg).toEqual([Number(size[1]), Number(size[2])]);
    }
    const bare = join(tmp(), "run");
    expect((await cli("run", "gridworld-values", "--out", bare, "--no-png")).code).toBe(0);
    expect(readdirSync(bare).filter((f) => f.endsWith(".png"))).toEqual([]);
  });
});

describe("summary.json status", () => {
  const base = { chapter: "training", options: {}, description: "a stand-in experiment for a test" } as const;

  it("says interrupted while the run is under way (so a killed run is marked), complete at the end", async () => {
    let during: unknown;
    fake({ ...base, name: "test-status-complete", run: (opts) => {
      during = JSON.parse(readFileSync(join(opts.outDir, "summary.json"), "utf8")).status;
      writeFileSync(join(opts.outDir, "partial.txt"), "x");
      return { answer: 42 };
    } });
    const out = join(tmp(), "run");
    const r = await cli("run", "test-status-complete", "--out", out);
    expect(r.code).toBe(0);
    expect(during).toBe("interrupted");
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(summary).toMatchObject({ experiment: "test-status-complete", status: "complete", seed: 0, metrics: { answer: 42 } });
  });

  it("says failed, with the error, when the experiment throws; the CLI exits 1 with the message", async () => {
    fake({ ...base, name: "test-status-failed", run: () => { throw new Error("out of cheese"); } });
    const out = join(tmp(), "run");
    const r = await cli("run", "test-status-failed", "--out", out);
    expect(r.code).toBe(1);
    expect(r.err).toContain("out of cheese");
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(summary).toMatchObject({ experiment: "test-status-failed", status: "failed", error: "out of cheese" });
    expect(summary.metrics).toBeUndefined();
  });

  it("records the declared options with their defaults and the values given", async () => {
    let seen: unknown;
    fake({ ...base, name: "test-status-options", options: { epochs: { description: "steps", default: 7 }, trainChars: { description: "chars" } }, run: (opts) => {
      seen = { epochs: opts.epochs, params: opts.params };
      return {};
    } });
    const out = join(tmp(), "run");
    expect((await cli("run", "test-status-options", "--train-chars", "300", "--out", out)).code).toBe(0);
    expect(seen).toEqual({ epochs: undefined, params: { trainChars: 300 } });
    expect(JSON.parse(readFileSync(join(out, "summary.json"), "utf8")).config).toEqual({ epochs: 7, trainChars: 300 });
  });
});

describe("--resume", () => {
  const base = { chapter: "training", description: "a stand-in resumable experiment for a test", resumable: true } as const;

  it("continues an interrupted or failed run in its folder, with its seed and options; refuses complete runs, links, other experiments and changed options", async () => {
    const seen: { resume?: boolean; seed: number; epochs?: number }[] = [];
    let fail = true;
    fake({ ...base, name: "test-resume", options: { epochs: { description: "steps", default: 3 } }, run: (opts) => {
      seen.push({ resume: opts.resume, seed: opts.seed, epochs: opts.epochs });
      if (fail) throw new Error("power cut");
      return { done: 1 };
    } });
    const out = join(tmp(), "run");
    expect((await cli("run", "test-resume", "--epochs", "5", "--seed", "7", "--out", out)).code).toBe(1);
    expect(JSON.parse(readFileSync(join(out, "summary.json"), "utf8")).status).toBe("failed");
    fail = false;
    const changed = await cli("run", "test-resume", "--resume", out, "--epochs", "6");
    expect(changed.code).toBe(1);
    expect(changed.err).toMatch(/--epochs 6 differs from the run's 5; a resumed run keeps its options/);
    const r = await cli("run", "test-resume", "--resume", out);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(seen.at(-1)).toEqual({ resume: true, seed: 7, epochs: 5 });
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(summary).toMatchObject({ status: "complete", seed: 7, config: { epochs: 5 }, metrics: { done: 1 } });
    expect(typeof summary.resumedAt).toBe("string");
    expect((await cli("run", "test-resume", "--resume", out)).err).toMatch(/that run is complete; start a new one instead/);
    expect((await cli("run", "test-resume", "--resume", join(out, "nowhere"))).err).toMatch(/no such folder/);
  });

  it("refuses a folder with a symbolic link inside, and experiments that keep no checkpoints", async () => {
    fake({ ...base, name: "test-resume-links", options: {}, run: () => { throw new Error("stop"); } });
    const root = tmp();
    const out = join(root, "run");
    expect((await cli("run", "test-resume-links", "--out", out)).code).toBe(1);
    writeFileSync(join(root, "victim.txt"), "precious\n");
    symlinkSync(join(root, "victim.txt"), join(out, "metrics.jsonl"));
    const r = await cli("run", "test-resume-links", "--resume", out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/holds symbolic links .*metrics\.jsonl/);
    expect(readFileSync(join(root, "victim.txt"), "utf8")).toBe("precious\n");
    const other = await cli("run", "policy-evaluation-4x4", "--resume", out);
    expect(other.code).toBe(1);
    expect(other.err).toContain("unknown option '--resume'");
  });

  it("mnist-mlp stopped after epoch 1 of 2 and resumed ends exactly where an uninterrupted run does", async () => {
    const straight = join(tmp(), "run");
    expect((await cli("run", "mnist-mlp", "--epochs", "2", "--out", straight)).code).toBe(0);
    const cut = join(tmp(), "run");
    // The run is stopped when it reports the end of epoch 1 (its checkpoint is written by then).
    const c = capture();
    const stopped = await runCli(["node", "deepscript", "run", "mnist-mlp", "--epochs", "2", "--out", cut], {
      log: (line) => { if (line.startsWith("epoch 1/2")) throw new Error("interrupted"); },
      error: c.io.error,
    });
    expect(stopped).toBe(1);
    expect(JSON.parse(readFileSync(join(cut, "summary.json"), "utf8")).status).toBe("failed");
    const r = await cli("run", "mnist-mlp", "--resume", cut);
    expect(r.err).toBe("");
    expect(r.out).toContain("resuming after epoch 1 of 2");
    const a = JSON.parse(readFileSync(join(straight, "summary.json"), "utf8"));
    const b = JSON.parse(readFileSync(join(cut, "summary.json"), "utf8"));
    expect(b.status).toBe("complete");
    for (const key of ["testAccuracy", "testLoss", "trainAccuracy", "trainLoss"]) expect(b.metrics[key], key).toBe(a.metrics[key]);
    const lines = (dir: string) => readFileSync(join(dir, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => { const { seconds: _, ...rest } = JSON.parse(l); return rest; });
    expect(lines(cut)).toEqual(lines(straight));
  }, 120_000);
});
