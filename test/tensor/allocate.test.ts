// allocate() gives zeros; allocateUninitialized() gives arrays of the right type and length (contents arbitrary).
import { describe, expect, it } from "vitest";
import { allocate, dtypes } from "../../src/tensor/dtype.js";
import { allocateUninitialized } from "../../src/backend/pool.js";

describe("allocation", () => {
  for (const dtype of dtypes) {
    for (const size of [0, 1, 1000, 100_000]) {
      it(`${dtype} × ${size}`, () => {
        const z = allocate(dtype, size), u = allocateUninitialized(dtype, size);
        expect(u.constructor).toBe(z.constructor);
        expect(u.length).toBe(size);
        expect(u.byteOffset % u.BYTES_PER_ELEMENT).toBe(0);
        expect(z.every((v) => v === 0)).toBe(true);
        u.fill(1);
        expect(u.every((v) => v === 1)).toBe(true);
      });
    }
  }
});
