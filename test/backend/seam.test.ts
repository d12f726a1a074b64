// The backend seam: src/backend/ sees storage plus layout, never a Tensor, and sits in no import cycle.
import { afterAll, describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import { Storage, View, type TensorView } from "../../src/backend/storage.js";
import { cpuBackend } from "../../src/backend/cpu/index.js";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const src = join(root, "src");

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith(".ts") ? [path] : [];
  });
}

/** Every relative module a file imports or re-exports (type-only imports included), as src-relative .ts paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s+"([^"]+)"|(?:^|\n)\s*import\s+"([^"]+)"/g)].map((m) => m[1] ?? m[2]!);
  return specs
    .filter((s) => s.startsWith("."))
    .map((s) => relative(src, resolve(dirname(file), s)).replace(/\.js$/, ".ts"));
}

const files = tsFiles(src).map((f) => relative(src, f));
const graph = new Map(files.map((f) => [f, importsOf(join(src, f)).filter((d) => files.includes(d))]));

/** Strongly connected components of the import graph (Tarjan), only those with a cycle. */
function cycles(): string[][] {
  const index = new Map<string, number>(), low = new Map<string, number>(), onStack = new Set<string>();
  const stack: string[] = [], out: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return out;
}

describe("backend seam", () => {
  it("finds the import graph (the scan itself works)", () => {
    expect(graph.get("autograd/engine.ts")).toContain("backend/registry.ts");
    expect(graph.get("tensor/Tensor.ts")).toContain("ops/elementwise.ts");
  });

  it("src/backend imports nothing from tensor/Tensor.ts or ops/ (type-only imports included)", () => {
    const offending = files
      .filter((f) => f.startsWith("backend/"))
      .flatMap((f) => graph.get(f)!.filter((d) => d === "tensor/Tensor.ts" || d.startsWith("ops/")).map((d) => `${f} -> ${d}`));
    expect(offending).toEqual([]);
  });

  it("no file of src/backend is in an import cycle (type-only imports included)", () => {
    expect(cycles().filter((scc) => scc.some((f) => f.startsWith("backend/")))).toEqual([]);
  });

  it("the cycle finder finds a cycle: tensor/Tensor.ts and the ops it calls as methods", () => {
    expect(cycles().some((scc) => scc.includes("tensor/Tensor.ts") && scc.includes("ops/elementwise.ts"))).toBe(true);
  });
});

describe("a backend whose kernels return plain views (not built through the tensor layer)", () => {
  afterAll(() => ds.setBackend(ds.getBackendName()));

  it("the engine turns them into tensors: fresh outputs, views sharing storage, inputs handed back", () => {
    const seen: TensorView[] = [];
    ds.useKernels({
      // -x into a fresh storage, as a backend writing its own outputs does
      neg: ([x]) => {
        seen.push(x!);
        const out = new Float32Array(x!.size);
        for (let i = 0; i < x!.size; i++) out[i] = -x!.storage.data[x!.offset + i * x!.strides[0]!]!;
        return new View(new Storage(out), x!.shape, [1], 0, "float32");
      },
      // a reshape that keeps its input's storage
      reshape: ([x], { shape }) => new View(x!.storage, shape, [shape[1]!, 1], x!.offset, x!.dtype),
      // |x| of a tensor without negative values is the tensor itself
      abs: ([x]) => {
        if (x!.storage.data.some((v) => v < 0)) throw new Error("test kernel: only non-negative inputs");
        return x!;
      },
    });
    const x = ds.tensor([1, 2, 3, 4, 5, 6], { requiresGrad: true });
    const y = x.neg();
    expect(y).toBeInstanceOf(ds.Tensor);
    expect(y.toList()).toEqual([-1, -2, -3, -4, -5, -6]);
    expect(seen[0]).toBe(x); // kernels see the tensors themselves, as views
    y.sum().backward(); // the tape recorded the wrapped output
    expect(x.grad!.toList()).toEqual([-1, -1, -1, -1, -1, -1]);

    const base = ds.tensor([1, 2, 3, 4, 5, 6]);
    const m = base.reshape(2, 3);
    expect(m.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(m.storage).toBe(base.storage);
    m.mul_(2); // in place through the view: the base sees it, and the shared version counter moves
    expect(base.toList()).toEqual([2, 4, 6, 8, 10, 12]);
    expect(base.version).toBe(m.version);
    expect(base.version).toBeGreaterThan(0);
    expect(m.abs()).toBe(m);
  });

  it("the reference kernels satisfy the same seam: their outputs are tensors once the tensor layer is loaded", () => {
    const out = cpuBackend.exp([ds.tensor([0])], {});
    expect(out).toBeInstanceOf(ds.Tensor);
  });
});
