// The WebGPU device layer: adapter info, the power-of-two buffer pool, upload/readback, the pipeline
// cache, one submit per batch of dispatches, and the error a lost (destroyed) device gives. The cases that
// need an adapter live in ./cases/device.ts (test/browser/webgpu.test.ts runs them in Chromium too).
import { describe, expect, it } from "vitest";
import { bucketSize, grid } from "../../../src/backend/webgpu/device.js";
import { deviceCases } from "./cases/device.js";
import { describeCases } from "./gpu.js";

describe("WebGPU device helpers (no adapter needed)", () => {
  it("buckets are powers of two from 16 bytes", () => {
    expect([0, 1, 16, 17, 1000, 1024, 1025].map(bucketSize)).toEqual([16, 16, 16, 32, 1024, 1024, 2048]);
  });
  it("grids stay within 65535 workgroups per dimension and cover every group", () => {
    for (const n of [1, 65535, 65536, 200_000, 10_000_000]) {
      const [x, y] = grid(n);
      expect(x).toBeLessThanOrEqual(65535);
      expect(x * y).toBeGreaterThanOrEqual(n);
    }
  });
});

await describeCases(deviceCases);
