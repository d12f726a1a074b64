// Jack's car rental against the book's own code (Sutton & Barto 2nd ed., Example 4.2 / Figure 4.2).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { JacksCarRental } from "../../../src/rl/envs/toytext/JacksCarRental.js";
import { validateMDP } from "../../../src/rl/tabular/fromEnv.js";
import { deterministicPolicy } from "../../../src/rl/tabular/policies.js";
import { policyIteration } from "../../../src/rl/tabular/policyIteration.js";

/** Written by test/fixtures/rl-tabular/jacks_car_rental_lisp.py, a port of the book's jacks.lisp. */
const lisp = JSON.parse(readFileSync(new URL("../../fixtures/rl-tabular/jacks_car_rental_lisp.json", import.meta.url), "utf8")) as {
  policies: number[][][];
  V_pi0: number[][];
  V_final: number[][];
};

describe("JacksCarRental (Example 4.2)", () => {
  const env = new JacksCarRental();

  it("its model is a valid MDP", () => {
    validateMDP(env.toMDP(), "JacksCarRental");
  });

  it("policy iteration from 'move nothing' retraces the book's π0 → π4 (Figure 4.2) and v_π4", () => {
    const moveNothing = deterministicPolicy(new Array<number>(env.nS).fill(5), env.nA);
    const result = policyIteration(env.toMDP(), { gamma: 0.9, theta: 1e-7, initialPolicy: moveNothing });
    // As moves [n1][n2]: action index a moves a − 5 cars.
    const asMoves = (policy: number[][]): number[][] =>
      Array.from({ length: 21 }, (_, n1) => Array.from({ length: 21 }, (_, n2) => policy[env.stateOf(n1, n2)]!.indexOf(1) - 5));
    expect(result.policies.length).toBe(lisp.policies.length); // π0..π4: four improvements, as in Figure 4.2
    result.policies.forEach((p, k) => expect(asMoves(p), `π${k}`).toEqual(lisp.policies[k]));
    // jacks.lisp drops Poisson tails below 1e-6 and lets a location hold 25 cars after a move; the
    // book's text caps at 20 and we keep the tails, which moves values by a few hundredths at most.
    for (let n1 = 0; n1 <= 20; n1++) {
      for (let n2 = 0; n2 <= 20; n2++) {
        expect(Math.abs(result.values[0]![env.stateOf(n1, n2)]! - lisp.V_pi0[n1]![n2]!)).toBeLessThan(0.1);
        expect(Math.abs(result.V[env.stateOf(n1, n2)]! - lisp.V_final[n1]![n2]!)).toBeLessThan(0.1);
      }
    }
  });

  it("step samples Poisson days whose mean reward matches the model's expected reward", () => {
    const e = new JacksCarRental();
    const s = e.stateOf(10, 10);
    const action = 7; // move 2 cars from the first location to the second
    const expected = e.P[s]![action]![0]!.reward;
    let total = 0;
    const n = 20_000;
    e.reset({ seed: 3 });
    for (let i = 0; i < n; i++) {
      e.reset({ options: { state: s } });
      total += e.step(action)[1];
    }
    // Daily reward has sd ≈ 10·sqrt(var rented) < 30, so the standard error is < 0.25; allow 4 of them.
    expect(Math.abs(total / n - expected)).toBeLessThan(1);
  });

  it("rejects bad actions and start states with clear errors", () => {
    const e = new JacksCarRental();
    expect(() => e.step(0)).toThrow(/call reset\(\) first/);
    e.reset();
    expect(() => e.step(11)).toThrow(/action 11 is not in Discrete\(11\)/);
    expect(() => e.reset({ options: { state: 441 } })).toThrow(/options.state 441/);
  });
});
