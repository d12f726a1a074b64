// Device gaps that used to misbehave silently, through the public API under setBackend("webgpu"): tables
// and masks that library code builds in JavaScript (they used to be written into a device tensor's empty
// host array, so the device kept zeros), nn.Embedding and dropout on the device, and indices out of range,
// which the WebGPU kernels report at the next read from the device (as PyTorch's CUDA kernels assert).
import * as ds from "../../../../src/index.js";
import { indexAdd, scatterAdd } from "../../../../src/backend/webgpu/scatter.js";
import { indexSelect } from "../../../../src/backend/webgpu/indexing.js";
import { fromGPU, toGPU, on, type WebGPUCaseGroup } from "./check.js";

/** Every tensor's values, read asynchronously (works on every backend). */
async function readAll(named: Record<string, ds.Tensor>): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const [k, t] of Object.entries(named)) out[k] = Array.from(await t.data(), Number);
  return out;
}

const onDevice = (t: ds.Tensor) => t.storage.device?.device === "webgpu";

/** float32 attention weights and positional sums: the products and softmax summed in other orders. */
const TOL = { atol: 1e-6, rtol: 1e-5 };

export const hostBuiltCases: WebGPUCaseGroup = {
  title: "WebGPU tensors built on the host, embedding and indices out of range",
  cases: [
    {
      name: "masks and positional tables built on the host reach the device: causal masks, padding masks, sinusoidal and rotary tables, dropout",
      async run(_g, t) {
        const build = async () => {
          const gen = new ds.Generator(3);
          const q = ds.randn([2, 5, 4], { generator: gen }), k = ds.randn([2, 6, 4], { generator: gen }), v = ds.randn([2, 6, 3], { generator: gen });
          const sinusoidal = new ds.nn.SinusoidalPositionalEncoding(6, { maxLen: 7, batchFirst: true });
          const rotary = new ds.nn.RotaryEmbedding(4, { maxLen: 7 });
          const x = ds.randn([2, 5, 6], { generator: gen }), xr = ds.randn([2, 5, 4], { generator: gen });
          const named = {
            causal: ds.nn.Transformer.generateSquareSubsequentMask(4),
            padding: ds.nn.paddingMask([3, 1, 4]),
            pe: sinusoidal.pe, sinusoidalForward: sinusoidal.forward(x, 1),
            cos: rotary.cos, sin: rotary.sin, rotaryForward: rotary.forward(xr, 2),
            causalWeights: ds.nn.functional.scaledDotProductAttentionWeights(q, k, v, { isCausal: true })[1],
            dropout: ds.nn.functional.dropout(ds.ones([3, 5]), { p: 0.5, training: true, generator: new ds.Generator(9) }),
          };
          return { placed: Object.entries(named).filter(([, v]) => !onDevice(v)).map(([k]) => k), values: await readAll(named) };
        };
        const want = await on("cpu", build);
        const got = await on("webgpu", build);
        t.equal(got.placed, [], "tensors left off the device under setBackend(\"webgpu\")");
        // what the tables must hold, independent of either backend
        t.closeValues(want.values.causal!, [0, -Infinity, -Infinity, -Infinity, 0, 0, -Infinity, -Infinity, 0, 0, 0, -Infinity, 0, 0, 0, 0], undefined, "the CPU's causal mask");
        t.closeValues(want.values.padding!, [0, 0, 0, 1, 0, 1, 1, 1, 0, 0, 0, 0], undefined, "the CPU's padding mask");
        t.closeValues(want.values.pe!.slice(6, 8), [Math.fround(Math.sin(1)), Math.fround(Math.cos(1))], undefined, "the CPU's PE[1, 0:2]");
        for (const key of Object.keys(want.values)) {
          t.closeValues(got.values[key]!, want.values[key]!, key === "causal" || key === "padding" || key === "dropout" || key === "pe" || key === "cos" || key === "sin" ? undefined : TOL, key);
        }
      },
    },
    {
      name: "nn.Embedding on the device: rows, paddingIdx and the weight's gradient agree with the CPU; host indices with a device table are refused",
      async run(_g, t) {
        const train = async () => {
          ds.manualSeed(5);
          const emb = new ds.nn.Embedding(11, 4, { paddingIdx: 2 });
          const idx = ds.tensor([[3, 2, 10], [0, 3, 3]], { dtype: "int32" });
          const y = emb.forward(idx);
          y.mul(ds.randn([2, 3, 4], { generator: new ds.Generator(1) })).sum().backward();
          return { onDevice: onDevice(y), values: await readAll({ y, grad: emb.weight.grad! }) };
        };
        const want = await on("cpu", train);
        const got = await on("webgpu", train);
        t.equal(got.onDevice, true, "the rows live on the webgpu device");
        t.closeValues(got.values.y!, want.values.y!, undefined, "rows (exact)");
        t.closeValues(got.values.grad!, want.values.grad!, undefined, "the weight's gradient (row 2 zero: paddingIdx; rows summed in index order)");
        const host = ds.tensor([1, 2], { dtype: "int32" });
        await on("webgpu", async () => {
          const emb = new ds.nn.Embedding(11, 4);
          t.throws(() => emb.forward(host), /^embedding: indices \[2\] live on the cpu while weight \[11,4\] lives on the webgpu device; move the indices with ds\.toDevice\(indices\)/, "host indices, device table");
          t.equal(Array.from(await emb.forward(ds.toDevice(host)).data()).length, 8, "rows of uploaded indices");
        });
      },
    },
    {
      name: "an index out of range fails the next read from the device, naming the op, the index and the shapes; later reads work",
      async run(_g, t) {
        await on("webgpu", async () => {
          const emb = new ds.nn.Embedding(11, 4);
          const rows = emb.forward(ds.tensor([3, 11, 0], { dtype: "int32" }));
          await t.rejects(rows.data(), /^indexSelect: index 11 is out of bounds for dimension 0 with size 11 \(input of shape \[11, 4\], index of shape \[3\]\) \(found by the WebGPU kernel on .*, reported at the next read from the device: data/, "embedding with index 11 of 11 rows");
          t.equal(Array.from(await ds.tensor([1, 2]).add(1).data()), [2, 3], "a read after the error");
          const loss = ds.nn.functional.crossEntropy(ds.randn([4, 5]), ds.tensor([0, 5, 1, 2], { dtype: "int32" }));
          await t.rejects(loss.itemAsync(), /^gather: index 5 is out of bounds for dimension 1 with size 5 \(input of shape \[4, 5\], index of shape \[4, 1\]\)/, "crossEntropy with target 5 of 5 classes");
          ds.randn([6, 2]).gather(0, ds.tensor([[0, 1], [-1, 2]], { dtype: "int32" }));
          await t.rejects(ds.synchronize(), /^gather: index -1 is out of bounds for dimension 0 with size 6 \(input of shape \[6, 2\], index of shape \[2, 2\]\).*reported at the next read from the device: synchronize/, "synchronize after a negative index");
          await ds.synchronize(); // the error was reported once
        });
      },
    },
    {
      name: "the index kernels (indexSelect, scatterAdd, indexAdd) report an index out of range at the next download",
      async run(g, t) {
        const x = ds.randn([6, 3]), src = ds.randn([2, 3]);
        const bad = (values: number[][] | number[]) => toGPU(g, ds.tensor(values, { dtype: "int32" }));
        await t.rejects(fromGPU(g, indexSelect(g, toGPU(g, x), bad([0, 6]), 0)), /^indexSelect: index 6 is out of bounds for dimension 0 with size 6 \(input of shape \[6, 3\], index of shape \[2\]\)/, "indexSelect");
        await t.rejects(fromGPU(g, scatterAdd(g, [toGPU(g, x), bad([[1, 2, 7], [0, 0, 0]]), toGPU(g, src)], { dim: 0 })), /^scatterAdd: index 7 is out of bounds for dimension 0 with size 6 \(input of shape \[6, 3\], index of shape \[2, 3\]\)/, "scatterAdd");
        await t.rejects(fromGPU(g, indexAdd(g, [toGPU(g, x), bad([5, -2]), toGPU(g, src)], { dim: 0 })), /^indexAdd: index -2 is out of bounds for dimension 0 with size 6 \(input of shape \[6, 3\], index of shape \[2\]\)/, "indexAdd");
        await t.close(indexSelect(g, toGPU(g, x), bad([5, 0]), 0), x.indexSelect(0, [5, 0]), undefined, "indexSelect in range, after the errors");
      },
    },
  ],
};
