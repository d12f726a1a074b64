import { formatWithOptions, inspect } from "node:util";
import { describe, expect, it } from "vitest";
import type { Tensor } from "../../src/tensor/Tensor.js";
import * as nn from "../../src/nn/index.js";
import { pyFloat } from "../../src/nn/pyRepr.js";
import { buildModule, stateDictRef } from "./stateDictFixture.js";

describe("modules print as PyTorch's repr (strings from PyTorch 2.x)", () => {
  for (const c of stateDictRef.modules) {
    it(`${c.name}: toString, String() and console.log`, () => {
      const m = buildModule(c.spec);
      expect(m.toString()).toBe(c.repr);
      expect(String(m)).toBe(c.repr);
      expect(inspect(m)).toBe(c.repr);
      expect(formatWithOptions({ colors: false }, m)).toBe(c.repr); // what console.log(m) writes
    });
  }

  it("floats are written as Python's repr writes them", () => {
    const special: Record<string, number> = { inf: Infinity, "-inf": -Infinity, nan: NaN };
    for (const [value, repr] of stateDictRef.floatReprs) {
      const x = typeof value === "string" ? special[value]! : value;
      expect(pyFloat(x), String(value)).toBe(repr);
    }
  });

  it("extraRepr is the extension point: a custom layer's text, one line or several, sits where PyTorch puts it", () => {
    class Scale extends nn.Module {
      constructor(readonly factor: number) {
        super();
      }
      forward(x: Tensor): Tensor {
        return x.mul(this.factor);
      }
      override extraRepr(): string {
        return `factor=${pyFloat(this.factor)}`;
      }
    }
    class Block extends nn.Module {
      proj = new nn.Linear(2, 2);
      forward(x: Tensor): Tensor {
        return this.proj.call(x);
      }
      override extraRepr(): string {
        return "heads=2\ncausal=True";
      }
    }
    // the same classes with the same extra_repr in make_state_dict_fixture.py
    expect(String(new nn.Sequential(new Scale(2), new Block()))).toBe(stateDictRef.customRepr);
  });
});
