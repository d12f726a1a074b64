// The WebGPU device layer on a real adapter: adapter info, exact upload/readback, one submit per batch
// of dispatches, the pipeline cache, buffer reuse after a flush, and the error a lost (destroyed) device gives.
import { requestWebGPUDevice } from "../../../../src/backend/webgpu/device.js";
import { binary, unary } from "../../../../src/backend/webgpu/elementwise.js";
import { uploadLayout } from "../../../../src/backend/webgpu/layout.js";
import { fromGPU, type WebGPUCaseGroup } from "./check.js";

export const deviceCases: WebGPUCaseGroup = {
  title: "WebGPU device layer",
  cases: [
    {
      name: "reports the adapter (vendor, architecture, description)",
      async run(g, t) {
        t.equal(typeof g.adapterInfo.vendor, "string", "typeof vendor");
        t.ok(g.adapterName.length > 0, "the adapter's name is not empty");
        t.ok(g.adapterName !== "unknown adapter", `the adapter says what it is (got "${g.adapterName}")`);
      },
    },
    {
      name: "uploads and reads back float32, int32 and bool exactly, and empty arrays",
      async run(g, t) {
        const f = new Float32Array([1.5, -0, 3e-39, Infinity, -7]);
        t.equal(Array.from(await g.download(g.upload(f), "float32", 5)), Array.from(f), "float32");
        t.ok(Object.is((await g.download(g.upload(f), "float32", 5))[1], -0), "−0 keeps its sign");
        const i = new Int32Array([-2147483648, 0, 2147483647]);
        t.equal(Array.from(await g.download(g.upload(i), "int32", 3)), Array.from(i), "int32");
        const b = new Uint8Array([1, 0, 0, 1]);
        t.equal(Array.from(await g.download(g.upload(b), "bool", 4)), [1, 0, 0, 1], "bool");
        t.equal(Array.from(await g.download(g.upload(new Float32Array(0)), "float32", 0)), [], "empty");
        // a read at an element offset
        t.equal(Array.from(await g.download(g.upload(f), "float32", 2, 3)), [Infinity, -7], "read at an offset");
      },
    },
    {
      name: "records many dispatches into one submit, caches pipelines by source, and reuses released buffers",
      async run(g, t) {
        await g.sync();
        const x = uploadLayout(g, new Float32Array([1, 2, 3, 4, 5]), [5], "float32");
        const before = { ...g.stats };
        let y = x;
        for (let k = 0; k < 20; k++) y = binary(g, "add", y, x); // y = 21·x
        const z = unary(g, "neg", y);
        t.equal(g.stats.dispatches - before.dispatches, 21, "dispatches recorded");
        t.equal(g.stats.submits - before.submits, 0, "submits before the readback"); // nothing submitted yet
        t.equal(await fromGPU(g, z), [-21, -42, -63, -84, -105], "−21·x");
        t.equal(g.stats.submits - before.submits, 2, "submits after the readback"); // the batch, then the readback copy
        const pipelines = g.stats.pipelinesCreated;
        binary(g, "add", x, x);
        t.equal(g.stats.pipelinesCreated, pipelines, "pipelines after the same WGSL source again"); // cached
        // release → reuse after the batch is submitted
        g.flush();
        const a = g.acquire(100);
        t.equal(a.size, 128, "bucket of 100 bytes");
        g.release(a);
        t.ok(g.acquire(128) !== a, "a released buffer is not handed out before the flush"); // a recorded dispatch may still read it
        g.flush();
        t.ok(g.acquire(120) === a, "a released buffer is reused after the flush");
      },
    },
    {
      name: "a lost (destroyed) device gives a clear error naming the op and what to do",
      async run(_g, t) {
        const other = await requestWebGPUDevice();
        const x = uploadLayout(other, new Float32Array([1]), [1], "float32");
        other.destroy();
        t.throws(() => unary(other, "exp", x), /^exp: the WebGPU device \(.+\) was destroyed; .*requestWebGPUDevice\(\)/, "a kernel on the destroyed device");
        await t.rejects(other.download(x.buffer, "float32", 1), /^download: the WebGPU device .* was destroyed/, "a readback from the destroyed device");
      },
    },
  ],
};
