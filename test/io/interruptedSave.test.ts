import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCheckpoint, type SaveStep } from "../../src/io/checkpoint.js";
import { generationOf } from "./checkpointGenerations.js";

// Child processes save checkpoints and are killed with SIGKILL while they do. The worker is bundled
// once (esbuild), so that each child starts in a fraction of the time a TypeScript loader would take.
let scratch = "";
let worker = "";

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "ds-interrupted-"));
  worker = join(scratch, "saveWorker.mjs");
  await build({ entryPoints: [join(import.meta.dirname, "saveWorker.ts")], bundle: true, platform: "node", format: "esm", outfile: worker, logLevel: "silent" });
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Run {
  /** Ended by SIGKILL (from itself after a step, or from the test). */
  killed: boolean;
  /** Milliseconds the save took, when it finished. */
  ms?: number;
}

/** Saves generation `g` in a child; kills it after `killAfter`, or `killDelayMs` after it starts saving. */
function runWorker(path: string, g: number, options: { killAfter?: SaveStep; killDelayMs?: number } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [worker, path, String(g), options.killAfter ?? ""], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (options.killDelayMs !== undefined && timer === undefined && out.startsWith("ready\n")) {
        timer = setTimeout(() => child.kill("SIGKILL"), options.killDelayMs);
      }
    });
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      const done = /done ([\d.]+)/.exec(out);
      if (signal === "SIGKILL") resolve({ killed: true });
      else if (code === 0 && done) resolve({ killed: false, ms: Number(done[1]) });
      else reject(new Error(`save worker exited with ${code ?? signal}: ${err}`));
    });
  });
}

/** Files next to the checkpoint other than its two: leftovers of killed saves. */
function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((n) => n !== "ckpt.safetensors" && n !== "ckpt.json").sort();
}
const LEFTOVER = /^\.ckpt\.(safetensors\.\d+-\d+\.tmp|json\.[0-9a-f]{64}\.\d+\.pending)$/;

/** mulberry32: a small seeded generator for the kill moments. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("saveCheckpoint is atomic: a killed save leaves the previous checkpoint or the new one, never a mix", () => {
  it("killed after each step of the protocol, the path loads as the previous (before the commit) or the new checkpoint (after it)", async () => {
    const dir = join(scratch, "steps");
    const path = join(dir, "ckpt.safetensors");
    await runWorker(path, 1);
    let committed = 1;
    const steps: [SaveStep, "previous" | "new", RegExp[]][] = [
      ["cleaned", "previous", []],
      ["sidecar-written", "previous", [/\.pending$/]],
      ["weights-written", "previous", [/\.tmp$/, /\.pending$/]],
      ["committed", "new", [/\.pending$/]],
      ["done", "new", []],
    ];
    let g = 1;
    for (const [step, expected, left] of steps) {
      g++;
      expect(await runWorker(path, g, { killAfter: step }), step).toEqual({ killed: true });
      const loaded = generationOf(await loadCheckpoint(path));
      expect(loaded, `killed after "${step}"`).toBe(expected === "new" ? g : committed);
      committed = loaded;
      const names = leftovers(dir);
      expect(names.length, `${step}: ${names.join(", ")}`).toBe(left.length);
      for (const pattern of left) expect(names.some((n) => pattern.test(n) && LEFTOVER.test(n)), `${step}: ${names.join(", ")}`).toBe(true);
      // The next save, whole, cleans up and wins.
      g++;
      await runWorker(path, g);
      expect(generationOf(await loadCheckpoint(path))).toBe(g);
      expect(leftovers(dir)).toEqual([]);
      committed = g;
    }
  });

  it("killed at 50+ seeded random moments, the path always loads as the previous or the new checkpoint, and no temporary files accumulate", async () => {
    // Two independent lanes (folders) run side by side, 25 kills each, to halve the wall time.
    const lane = async (name: string, seed: number) => {
      const dir = join(scratch, name);
      const path = join(dir, "ckpt.safetensors");
      // Calibrate: how long a whole save takes here and now; the kill moments span that time.
      const durations = [(await runWorker(path, 1)).ms!, (await runWorker(path, 2)).ms!];
      const span = Math.max(4, Math.max(...durations));
      const random = mulberry32(seed);
      let committed = 2;
      let kills = 0;
      let g = 3;
      for (; kills < 25 && g < 100; g++) {
        const run = await runWorker(path, g, { killDelayMs: Math.floor(random() * span) });
        const loaded = generationOf(await loadCheckpoint(path)); // throws on a mix
        if (run.killed) {
          kills++;
          expect([committed, g], `${name}, kill ${kills}`).toContain(loaded);
        } else {
          expect(loaded).toBe(g);
        }
        committed = loaded;
        const names = leftovers(dir);
        expect(names.length, names.join(", ")).toBeLessThanOrEqual(2); // only what the last killed save left
        for (const n of names) expect(n).toMatch(LEFTOVER);
      }
      await runWorker(path, 1000);
      expect(generationOf(await loadCheckpoint(path))).toBe(1000);
      expect(leftovers(dir)).toEqual([]);
      return kills;
    };
    const kills = await Promise.all([lane("random-a", 11), lane("random-b", 12)]);
    expect(kills[0]! + kills[1]!).toBeGreaterThanOrEqual(50);
  });
});
