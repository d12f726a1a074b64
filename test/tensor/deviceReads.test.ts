// Reading values of a tensor whose storage lives on a device: the async forms work on every backend,
// the synchronous ones name the async alternative. A fake device stands in until a GPU backend is wired.
import { describe, expect, it } from "vitest";
import * as ds from "../../src/index.js";
import { Storage, Tensor, type DeviceBuffer } from "../../src/tensor/Tensor.js";

/** A storage on a fake device holding `values` (read back asynchronously, as a GPU buffer is). */
function deviceStorage(values: number[]): Storage {
  const device: DeviceBuffer = {
    device: "fakegpu",
    length: values.length,
    read: async () => Float32Array.from(values),
    write: () => {
      throw new Error("fakegpu: read-only");
    },
    release: () => undefined,
  };
  return new Storage(new Float32Array(0), device);
}

describe("reading a tensor whose storage lives on a device", () => {
  // storage 0..5 as a [2, 3] row-major matrix
  const onDevice = () => new Tensor(deviceStorage([0, 1, 2, 3, 4, 5]), [2, 3], [3, 1], 0, "float32");

  it("await data(), array() and itemAsync() return the values", async () => {
    const t = onDevice();
    expect(Array.from(await t.data())).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await t.array()).toEqual([[0, 1, 2], [3, 4, 5]]);
    const one = new Tensor(deviceStorage([0, 1, 2, 3, 4, 5]), [], [], 4, "float32");
    expect(await one.itemAsync()).toBe(4);
  });

  it("async reads follow the layout: a transposed view with an offset", async () => {
    // rows 1.. of the transpose of [[0,1,2],[3,4,5]] viewed through strides: [[1, 4], [2, 5]]
    const t = new Tensor(deviceStorage([0, 1, 2, 3, 4, 5]), [2, 2], [1, 3], 1, "float32");
    expect(Array.from(await t.data())).toEqual([1, 4, 2, 5]);
    expect(await t.array()).toEqual([[1, 4], [2, 5]]);
  });

  it("synchronous reads are errors that name the device and the async form", () => {
    const t = onDevice();
    expect(() => t.dataSync()).toThrow("dataSync: this tensor (shape [2,3], float32) lives on the fakegpu device, whose values can only be read asynchronously; use `await t.data()` instead");
    expect(() => t.toList()).toThrow(/^toList: .*fakegpu.*`await t\.data\(\)`/);
    expect(() => t.toArray()).toThrow(/^toArray: .*fakegpu.*`await t\.array\(\)`/);
    const one = new Tensor(deviceStorage([7]), [], [], 0, "float32");
    expect(() => one.item()).toThrow(/^item: .*fakegpu.*`await t\.itemAsync\(\)`/);
    expect(String(t)).toBe("tensor(<on fakegpu>, shape=[2,3], dtype=float32)");
  });

  it("the async forms also work on host tensors, agreeing with the synchronous ones", async () => {
    const t = ds.tensor([[1, 2], [3, 4]]).t();
    expect(Array.from(await t.data())).toEqual(t.toList());
    expect(await t.array()).toEqual([[1, 3], [2, 4]]);
    expect(await ds.tensor([true]).array()).toEqual([true]);
    expect(await ds.tensor(2.5).itemAsync()).toBe(2.5);
    await expect(ds.tensor([1, 2]).itemAsync()).rejects.toThrow("itemAsync: only a one-element tensor can be converted to a number, but shape is [2]");
  });
});
