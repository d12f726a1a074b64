// setBackend("webgpu") end to end: every wired primitive agrees with the CPU reference through the public
// ops (forward and backward), the bad-input errors, memory going back to the pool, the fused optimizers,
// fit, and an MLP trained for 50 steps with the CPU's losses (the CNN and Transformer block: ./cases/models.ts).
// Skipped, with the reason, without an adapter.
import { afterAll, describe, expect, it } from "vitest";
import * as ds from "../../../src/index.js";
import { activeWebGPUDevice } from "../../../src/backend/webgpu/active.js";
import { agreementCases, excess, mlp, trainMlp, type Outputs } from "./cases.js";

const initial = ds.getBackendName();
let reason: string;
try {
  await ds.setBackend("webgpu");
  const info = ds.webgpuAdapterInfo()!;
  reason = `adapter: ${[info.vendor, info.description || info.device].filter((s) => s !== "").join(" ")}`;
} catch (e) {
  reason = `skipped, no WebGPU adapter: ${(e as Error).message}`;
  console.warn(`WebGPU backend tests ${reason}`);
}
const available = ds.getBackendName() === "webgpu";
await ds.setBackend(initial);

/** Runs `fn` with the given backend active, then restores the initial one. */
async function on<T>(backend: ds.BackendName, fn: () => Promise<T>): Promise<T> {
  await ds.setBackend(backend);
  try {
    return await fn();
  } finally {
    await ds.setBackend(initial);
  }
}

function expectAgree(got: Outputs, want: Outputs, atol: number, rtol: number): void {
  expect(Object.keys(got)).toEqual(Object.keys(want));
  for (const [name, w] of Object.entries(want)) {
    const g = got[name]!;
    expect({ name, shape: g.shape, dtype: g.dtype }).toEqual({ name, shape: w.shape, dtype: w.dtype });
    const { excess: e, index } = excess(g, w, atol, rtol);
    if (e > 0) expect({ name, index, got: g.values[index] }).toEqual({ name, index, got: w.values[index] });
  }
}

describe.skipIf(!available)(`setBackend("webgpu") (${reason})`, () => {
  afterAll(() => ds.setBackend(initial));

  it("switches: getBackendName and the adapter info say webgpu; factories place tensors on the GPU; reads are async", async () => {
    await on("webgpu", async () => {
      expect(ds.getBackendName()).toBe("webgpu");
      const info = ds.webgpuAdapterInfo()!;
      expect(Object.keys(info).sort()).toEqual(["architecture", "description", "device", "vendor"]);
      const t = ds.tensor([[1, 2, 3], [4, 5, 6]]);
      expect(t.storage.device?.device).toBe("webgpu");
      expect(String(t)).toBe("tensor(<on webgpu>, shape=[2,3], dtype=float32)");
      expect(await t.array()).toEqual([[1, 2, 3], [4, 5, 6]]);
      expect(await t.sum().itemAsync()).toBe(21);
      expect(Array.from(await t.t().data())).toEqual([1, 4, 2, 5, 3, 6]);
      expect(await ds.tensor([true, false]).array()).toEqual([true, false]);
      expect(Array.from(await ds.arange(4).data())).toEqual([0, 1, 2, 3]);
      expect(Array.from(await ds.eye(2, 3).data())).toEqual([1, 0, 0, 0, 1, 0]);
      expect(() => t.item()).toThrow(/^item: .*lives on the webgpu device.*use `await t\.itemAsync\(\)` instead/);
      expect(() => t.dataSync()).toThrow(/^dataSync: .*`await t\.data\(\)`/);
    });
    expect(ds.getBackendName()).toBe(initial);
  });

  for (const [name, c] of Object.entries(agreementCases)) {
    it(`agrees with the CPU reference: ${name}`, async () => {
      const want = await on("cpu", () => c.run(ds));
      const got = await on("webgpu", () => c.run(ds));
      expectAgree(got, want, c.atol, c.rtol);
    });
  }

  it("bad input: float64, a host tensor mixed with a GPU one, a GPU tensor under the cpu backend, primitives without a kernel", async () => {
    const host = ds.tensor([1, 2, 3]);
    const device = await on("webgpu", async () => {
      expect(() => ds.zeros([2], { dtype: "float64" })).toThrow(/^zeros: float64 is not supported on WebGPU \(WGSL has no f64\)/);
      expect(() => ds.tensor(new Float64Array(3))).toThrow(/^tensor: float64 is not supported on WebGPU/);
      const x = ds.tensor([1, 2, 3]);
      expect(() => x.double()).toThrow(/^cast: float64 is not supported on WebGPU/);
      expect(() => x.add(host)).toThrow(/^add: input 1 \(\[3\] float32\) lives on the cpu while input 0 \(\[3\] float32\) lives on the webgpu device/);
      // tensors made before the switch keep working on the host
      expect(host.mul(2).toList()).toEqual([2, 4, 6]);
      expect(Array.from(await ds.toDevice(host).add(x).data())).toEqual([2, 4, 6]);
      expect(() => ds.lgamma(ds.tensor([1, 2, 5]))).toThrow(/^lgamma: no WebGPU kernel yet; run this computation on the cpu or wasm backend/);
      const ints = ds.zeros([2, 2], { dtype: "int32" });
      expect(() => ints.matmul(ints)).toThrow(/^matmul: int32 inputs are not supported by the WebGPU kernel \(it takes float32\)/);
      return x;
    });
    expect(() => device.add(1)).toThrow(/^add: input 0 \(shape \[3\], float32\) lives on the webgpu device, but the active backend is cpu\/wasm; read it back with await t\.data\(\)/);
    expect(Array.from(await device.data())).toEqual([1, 2, 3]);
  });

  it("dispose() gives the buffer back to the pool at once; the next tensor of that size reuses it", async () => {
    await on("webgpu", async () => {
      const gpu = activeWebGPUDevice()!;
      // buffers of the 33,000-float bucket waiting in the pool (small ones come and go with every op's parameters)
      const pooled = () => gpu.pooled().get(2 ** 18) ?? 0;
      const a = ds.zeros([1000, 33]);
      const b = a.add(1);
      await b.data(); // the batch is submitted
      const before = pooled();
      b.dispose();
      gpu.flush();
      expect(pooled()).toBe(before + 1);
      const c = a.add(2);
      expect(pooled()).toBe(before); // c took b's buffer from the pool (the op's small parameter and scalar buffers come and go in other buckets)
      expect(Array.from((await c.data()).slice(0, 2))).toEqual([2, 2]);
      // a view keeps the storage alive: disposing the base alone frees nothing
      const v = c.reshape(33, 1000);
      c.dispose();
      gpu.flush();
      expect(pooled()).toBe(before);
      expect(Array.from((await v.data()).slice(0, 1))).toEqual([2]);
    });
  });

  it("an MLP 20-64-64-5 trained 50 steps with Adam on WebGPU has the CPU's losses (same initial weights, uploaded)", async () => {
    ds.manualSeed(3);
    const cpuModel = mlp(ds);
    const initialWeights = [...cpuModel.parameters()].map((p) => p.detach().clone());
    const want = await on("cpu", () => trainMlp(ds, cpuModel, 50));
    const got = await on("webgpu", async () => {
      const model = mlp(ds);
      ds.noGrad(() => [...model.parameters()].forEach((p, i) => p.copy_(initialWeights[i]!)));
      expect([...model.parameters()].every((p) => p.storage.device?.device === "webgpu")).toBe(true);
      return trainMlp(ds, model, 50);
    });
    expect(want[49]!).toBeLessThan(want[0]! * 0.5); // it learns
    for (let i = 0; i < 50; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(2e-5 * Math.abs(want[i]!) + 1e-6);
  });

  it("SGD with momentum and Nesterov, and clipGradNorm_, update GPU parameters as on the CPU", async () => {
    const run = async () => {
      ds.manualSeed(4);
      const w = ds.randn([37, 5]).requiresGrad_();
      const b = ds.randn([5]).requiresGrad_();
      const x = ds.randn([16, 37]);
      const opt = new ds.optim.SGD([w, b], { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 });
      for (let i = 0; i < 5; i++) {
        opt.zeroGrad();
        x.matmul(w).add(b).tanh().square().sum().backward();
        ds.nn.clipGradNorm_([w, b], 0.5);
        opt.step();
      }
      return { w: Array.from(await w.data()), b: Array.from(await b.data()) };
    };
    const want = await on("cpu", run);
    const got = await on("webgpu", run);
    got.w.forEach((v, i) => expect(Math.abs(v - want.w[i]!)).toBeLessThanOrEqual(1e-5));
    got.b.forEach((v, i) => expect(Math.abs(v - want.b[i]!)).toBeLessThanOrEqual(1e-5));
  });

  it("fit trains on WebGPU with the CPU's epoch loss, calls onBatchEnd in order with each batch's loss, and reports a NaN loss", async () => {
    const run = async () => {
      ds.manualSeed(6);
      const model = new ds.nn.Sequential(new ds.nn.Linear(6, 8), new ds.nn.Tanh(), new ds.nn.Linear(8, 3));
      const g = new ds.Generator(7);
      const data = new ds.data.TensorDataset(ds.randn([40, 6], { generator: g }), ds.randint(0, 3, [40], { generator: g }));
      const seen: [number, number][] = [];
      const history = await ds.train.fit(model, {
        trainLoader: new ds.data.DataLoader(data, { batchSize: 8 }), valLoader: new ds.data.DataLoader(data, { batchSize: 20 }),
        loss: (o, y) => ds.nn.functional.crossEntropy(o, y), optimizer: new ds.optim.Adam(model.parameters(), { lr: 0.01 }), epochs: 2,
        metrics: { accuracy: ds.train.accuracy },
        callbacks: [{ onBatchEnd: (i, logs) => void seen.push([i, logs.loss]) }],
      });
      return { series: history.series, seen };
    };
    const want = await on("cpu", run);
    const got = await on("webgpu", run);
    expect(got.seen.map(([i]) => i)).toEqual(want.seen.map(([i]) => i));
    got.seen.forEach(([, l], k) => expect(Math.abs(l - want.seen[k]![1])).toBeLessThanOrEqual(1e-5));
    for (const key of ["loss", "accuracy", "valLoss", "valAccuracy"]) {
      got.series[key]!.forEach((v, k) => expect(Math.abs(v - want.series[key]![k]!)).toBeLessThanOrEqual(1e-5));
    }
    await on("webgpu", async () => {
      const model = new ds.nn.Linear(2, 1);
      const data = new ds.data.TensorDataset(ds.randn([8, 2]), ds.randn([8, 1]));
      await expect(ds.train.fit(model, {
        trainLoader: new ds.data.DataLoader(data, { batchSize: 4 }), loss: (o) => o.sum().mul(Number.NaN),
        optimizer: new ds.optim.SGD(model.parameters(), { lr: 0.1 }), epochs: 1,
      })).rejects.toThrow(/^fit: loss became NaN at epoch 0, batch 0 \(try a smaller learning rate; on a GPU backend this is noticed up to 16 batches later\)/);
    });
  });
});

describe.skipIf(!available)(`a lost WebGPU device (${reason})`, () => {
  it("ops on its tensors fail naming the op and the device; setBackend(\"webgpu\") requests a new one, and the old tensors are refused", async () => {
    await on("webgpu", async () => {
      const x = ds.tensor([1, 2, 3]);
      activeWebGPUDevice()!.destroy();
      expect(() => x.add(1)).toThrow(/^add: the WebGPU device \(.+\) was destroyed; its buffers are gone/);
      await expect(x.data()).rejects.toThrow(/^data: the WebGPU device \(.+\) was destroyed/);
      await ds.setBackend("webgpu");
      expect(activeWebGPUDevice()!.isLost).toBe(false);
      expect(() => x.add(1)).toThrow(/^add: input 0 \(\[3\] float32\) lives on an earlier WebGPU device .* that setBackend\("webgpu"\) replaced/);
      expect(Array.from(await ds.tensor([4, 5]).mul(2).data())).toEqual([8, 10]);
    });
  });
});
