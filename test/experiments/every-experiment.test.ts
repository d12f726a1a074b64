// Every registered experiment runs through the CLI with --epochs 1 (when it takes epochs) and its quick options, marks itself complete, and draws plots whose text fits and whose legends hide no data.
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.js";
import { experiments } from "../../src/experiments/index.js";
import { layoutProblems } from "../plot/svgGeometry.js";

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

describe("every experiment in the registry", () => {
  it.each(experiments.map((e) => [e.name, e] as const))("%s completes with --epochs 1 and its quick options", async (name, experiment) => {
    const out = join(mkdtempSync(join(tmpdir(), "ds-every-")), "run");
    const args = ["run", name, "--out", out, "--no-png"]; // PNG rendering is tested once, in test/cli
    if ("epochs" in experiment.options) args.push("--epochs", "1");
    for (const [key, value] of Object.entries(experiment.quick ?? {})) {
      expect(experiment.options, `${name}: quick option ${key} must be a declared option`).toHaveProperty(key);
      args.push(`--${kebab(key)}`, String(value));
    }
    const err: string[] = [];
    const code = await runCli(["node", "deepscript", ...args], { log: () => {}, error: (l) => void err.push(l) });
    expect(err, name).toEqual([]);
    expect(code, name).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(summary).toMatchObject({ experiment: name, status: "complete" });
    if ("epochs" in experiment.options) expect(summary.config.epochs).toBe(1);
    for (const file of readdirSync(out).filter((f) => f.endsWith(".svg"))) {
      const svg = readFileSync(join(out, file), "utf8");
      expect(svg.startsWith("<svg"), file).toBe(true);
      expect(svg.trimEnd().endsWith("</svg>"), file).toBe(true);
      expect(svg, file).not.toMatch(/NaN|Infinity/);
      expect(layoutProblems(svg), `${name}/${file}`).toEqual([]);
    }
  });
});
