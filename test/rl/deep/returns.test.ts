// GAE against the direct sum Σ (γλ)^l δ_{t+l}, its λ = 0 / λ = 1 limits, n-step transitions worked by hand.
import { describe, expect, it } from "vitest";
import { Generator } from "../../../src/random/Generator.js";
import { discountedReturns, gae, NStepAccumulator } from "../../../src/rl/returns.js";
import { RolloutBuffer } from "../../../src/rl/RolloutBuffer.js";

/** Â_t by the definition: Σ_{l ≥ 0} (γλ)^l δ_{t+l}, stopping after the step that ends the episode. */
function directGae(r: number[], v: number[], done: number[], last: number, gamma: number, lambda: number): number[] {
  const T = r.length;
  const value = (t: number) => (t === T ? last : v[t]!);
  const delta = (t: number) => r[t]! + gamma * value(t + 1) * (1 - done[t]!) - v[t]!;
  return r.map((_, t) => {
    let sum = 0;
    for (let l = 0; t + l < T; l++) {
      sum += (gamma * lambda) ** l * delta(t + l);
      if (done[t + l]) break;
    }
    return sum;
  });
}

describe("gae", () => {
  const rng = new Generator(5);
  const T = 9;
  const E = 3;
  const rewards = Array.from({ length: T * E }, () => rng.normal());
  const values = Array.from({ length: T * E }, () => rng.normal());
  const dones = Array.from({ length: T * E }, (_, i) => (i === 3 * E + 0 || i === 5 * E + 2 || i === 6 * E + 2 || i === 8 * E + 1 ? 1 : 0));
  const lastValues = [0.3, -1.2, 2.0];
  const column = (a: ArrayLike<number>, e: number) => Array.from({ length: T }, (_, t) => a[t * E + e]!);

  it("equals the direct sum of discounted TD errors, per environment, across episode ends", () => {
    for (const [gamma, lambda] of [[0.99, 0.95], [0.9, 0.5], [1, 1]] as const) {
      const { advantages, returns } = gae({ rewards, values, dones, lastValues, gamma, lambda });
      for (let e = 0; e < E; e++) {
        const expected = directGae(column(rewards, e), column(values, e), column(dones, e), lastValues[e]!, gamma, lambda);
        column(advantages, e).forEach((a, t) => expect(a).toBeCloseTo(expected[t]!, 5));
        column(returns, e).forEach((g, t) => expect(g).toBeCloseTo(expected[t]! + column(values, e)[t]!, 5));
      }
    }
  });

  it("λ = 0 is the one-step TD error; λ = 1 is the discounted return minus V", () => {
    const r = [1, 2, 3, 4];
    const v = [0.5, 0.25, -1, 2];
    const d = [0, 0, 0, 1]; // one episode, ending after the last step
    const td = gae({ rewards: r, values: v, dones: d, lastValues: [9], gamma: 0.5, lambda: 0 }).advantages;
    expect(Array.from(td)).toEqual([1 + 0.5 * 0.25 - 0.5, 2 + 0.5 * -1 - 0.25, 3 + 0.5 * 2 + 1, 4 - 2]);
    const mc = gae({ rewards: r, values: v, dones: d, lastValues: [9], gamma: 0.5, lambda: 1 }).advantages;
    // G = [1 + .5·2 + .25·3 + .125·4, 2 + .5·3 + .25·4, 3 + .5·4, 4] = [3.25, 4.5, 5, 4]
    expect(Array.from(mc)).toEqual([3.25 - 0.5, 4.5 - 0.25, 5 + 1, 4 - 2]);
    expect(Array.from(discountedReturns(r, 0.5))).toEqual([3.25, 4.5, 5, 4]);
  });

  it("rejects inputs that are not T × E", () => {
    expect(() => gae({ rewards: [1, 2, 3], values: [1, 2, 3], dones: [0, 0, 0], lastValues: [0, 0], gamma: 0.9, lambda: 0.9 })).toThrow(/gae: rewards \(3\).*E = 2/);
  });

  it("RolloutBuffer stores (T, E) rows, computes the same advantages and cuts disjoint minibatches", () => {
    const buffer = new RolloutBuffer({ numSteps: T, numEnvs: E, observationSize: 2 });
    for (let t = 0; t < T; t++) {
      for (let e = 0; e < E; e++) buffer.store(t, e, [t, e], (t + e) % 2, -0.5, values[t * E + e]!, rewards[t * E + e]!, dones[t * E + e] === 1);
    }
    buffer.computeAdvantages(lastValues, 0.99, 0.95);
    const expected = directGae(column(rewards, 1), column(values, 1), column(dones, 1), lastValues[1]!, 0.99, 0.95);
    column(buffer.advantages, 1).forEach((a, t) => expect(a).toBeCloseTo(expected[t]!, 5));
    const batches = buffer.minibatches(3, new Generator(0));
    expect(batches.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: T * E }, (_, i) => i));
    const mb = buffer.batch(batches[0]);
    const obs = mb.observations.toArray() as number[][];
    batches[0]!.forEach((row, k) => expect(obs[k]).toEqual([Math.floor(row / E), row % E]));
    expect(() => buffer.minibatches(4, new Generator(0))).toThrow(/4 minibatches do not divide 27 rows/);
  });
});

describe("NStepAccumulator", () => {
  it("emits 3-step returns once three steps are queued, and flushes shorter ones at the episode's end", () => {
    const acc = new NStepAccumulator<string, number>(3, 0.5);
    expect(acc.push("s0", 0, 1, "s1", false, false)).toEqual([]);
    expect(acc.push("s1", 1, 2, "s2", false, false)).toEqual([]);
    // R = 1 + .5·2 + .25·4 = 3, bootstrap from s3 with γ³
    expect(acc.push("s2", 0, 4, "s3", false, false)).toEqual([{ observation: "s0", action: 0, reward: 3, nextObservation: "s3", terminated: false, discount: 0.125 }]);
    // terminates after s3: the queue s1, s2, s3 flushes with 3, 2 and 1 rewards, all terminal
    expect(acc.push("s3", 1, 8, "end", true, false)).toEqual([
      { observation: "s1", action: 1, reward: 2 + 0.5 * 4 + 0.25 * 8, nextObservation: "end", terminated: true, discount: 0.125 },
      { observation: "s2", action: 0, reward: 4 + 0.5 * 8, nextObservation: "end", terminated: true, discount: 0.25 },
      { observation: "s3", action: 1, reward: 8, nextObservation: "end", terminated: true, discount: 0.5 },
    ]);
    // a truncated episode also flushes, but is not terminal: the agent bootstraps from the last observation
    acc.push("a0", 0, 1, "a1", false, false);
    expect(acc.push("a1", 0, 1, "cut", false, true)).toEqual([
      { observation: "a0", action: 0, reward: 1.5, nextObservation: "cut", terminated: false, discount: 0.25 },
      { observation: "a1", action: 0, reward: 1, nextObservation: "cut", terminated: false, discount: 0.5 },
    ]);
  });
});
