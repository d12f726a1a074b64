// Every public tensor op of the core against PyTorch 1.13 (fixtures: test/fixtures/ops/make_ops_fixture.py).
import { describe, expect, it } from "vitest";
import { FAMILIES, describeFamily, loadCases } from "./pytorch-harness.js";

/**
 * Cases where deepscript disagrees with PyTorch, skipped until the core is fixed (case name → reason).
 * Remove an entry once the fix lands; the case then runs again.
 */
export const KNOWN_MISMATCHES: Readonly<Record<string, string>> = {
};

for (const family of FAMILIES) describeFamily(family, KNOWN_MISMATCHES);

describe("KNOWN_MISMATCHES", () => {
  it("names only cases that exist in the fixtures", () => {
    const names = new Set(FAMILIES.flatMap((f) => loadCases(f).map((c) => c.name)));
    expect(Object.keys(KNOWN_MISMATCHES).filter((n) => !names.has(n))).toEqual([]);
  });
});
