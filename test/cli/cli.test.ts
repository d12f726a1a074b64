import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.js";
import { experiments } from "../../src/experiments/index.js";
import { CHAPTERS } from "../../src/experiments/Experiment.js";
import { load } from "../../src/io/checkpoint.js";

function capture() {
  const out: string[] = [], err: string[] = [];
  return { out, err, io: { log: (l: string) => void out.push(l), error: (l: string) => void err.push(l) } };
}

describe("deepscript CLI", () => {
  it("list prints every registered experiment once, with its description, under its chapter, chapters in course order", async () => {
    const c = capture();
    expect(await runCli(["node", "deepscript", "list"], c.io)).toBe(0);
    const headings: string[] = [];
    const chapterOf = new Map<string, string>();
    for (const line of c.out) {
      if (/^\S.*:$/.test(line)) headings.push(line.slice(0, -1));
      else if (line.trim() !== "") chapterOf.set(line.trim().split(/\s+/)[0]!, headings.at(-1)!);
    }
    expect(c.out.filter((l) => l.startsWith("  "))).toHaveLength(experiments.length);
    for (const e of experiments) expect(chapterOf.get(e.name), e.name).toBe(e.chapter);
    const order = headings.map((h) => (CHAPTERS as readonly string[]).indexOf(h));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(c.out.some((l) => /^  mnist-mlp\s+MNIST/.test(l))).toBe(true);
  });

  it("run mnist-mlp --epochs 1 writes metrics.jsonl, summary.json, model.safetensors and the curves plot", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "ds-cli-")), "run");
    const c = capture();
    const code = await runCli(["node", "deepscript", "run", "mnist-mlp", "--epochs", "1", "--seed", "3", "--out", out], c.io);
    expect(c.err).toEqual([]);
    expect(code).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(summary).toMatchObject({ experiment: "mnist-mlp", seed: 3, config: { epochs: 1, lr: 0.1, batchSize: 64, momentum: 0.9, schedule: "cosine" } });
    // One epoch of SGD on 8,000 digits already classifies far above chance (10 %).
    expect(summary.metrics.testAccuracy).toBeGreaterThan(0.8);
    const lines = readFileSync(join(out, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ epoch: 0 });
    const weights = await load(join(out, "model.safetensors"));
    expect(weights["0.weight"]!.shape).toEqual([128, 784]);
    expect(weights["4.weight"]!.shape).toEqual([10, 64]);
    expect(readFileSync(join(out, "curves.svg"), "utf8").startsWith("<svg")).toBe(true);
    expect(existsSync(join(out, "model.json"))).toBe(true);
  }, 60_000);

  it("rejects an unknown experiment and a malformed option with exit code 1", async () => {
    const a = capture();
    expect(await runCli(["node", "deepscript", "run", "no-such-thing"], a.io)).toBe(1);
    expect(a.err.join("\n")).toMatch(/unknown experiment "no-such-thing" \(available: .*mnist-mlp/);
    const b = capture();
    expect(await runCli(["node", "deepscript", "run", "mnist-mlp", "--epochs", "two"], b.io)).toBe(1);
    expect(b.err.join("\n")).toMatch(/--epochs must be a whole number ≥ 1 written in decimal digits, got "two"/);
  });

  it("demo shows an autograd gradient equal to its closed form", async () => {
    const c = capture();
    expect(await runCli(["node", "deepscript", "demo"], c.io)).toBe(0);
    const grads = c.out.filter((l) => l.startsWith("dy/dw"));
    expect(grads).toHaveLength(2);
    expect(grads[0]!.split("=").at(-1)).toBe(grads[1]!.split("=").at(-1));
  });
});
