// Replay buffers and the sum-tree: sampling proportions checked statistically, importance weights by hand.
import { describe, expect, it } from "vitest";
import { Generator } from "../../../src/random/Generator.js";
import { SumTree } from "../../../src/rl/SumTree.js";
import { PrioritizedReplayBuffer, ReplayBuffer, linearSchedule } from "../../../src/rl/ReplayBuffer.js";

/** |observed − expected| in units of the binomial standard deviation, for each bin. */
function zScores(counts: number[], probs: number[], draws: number): number[] {
  return counts.map((c, i) => Math.abs(c - draws * probs[i]!) / Math.sqrt(draws * probs[i]! * (1 - probs[i]!)));
}

const transition = (k: number) => ({ observation: [k, -k], action: k % 3, reward: k / 10, nextObservation: [k + 1, -k - 1], terminated: k % 4 === 0, discount: 0.99 });

describe("SumTree", () => {
  it("keeps the total and finds the leaf whose prefix interval holds the mass", () => {
    const tree = new SumTree(5); // priorities [1, 0, 3, 2, 4]: prefix intervals [0,1) [1,1) [1,4) [4,6) [6,10)
    [1, 0, 3, 2, 4].forEach((p, i) => tree.set(i, p));
    expect(tree.total).toBe(10);
    expect([0, 0.99, 1, 3.99, 4, 5.5, 6, 9.99].map((m) => tree.find(m))).toEqual([0, 0, 2, 2, 3, 3, 4, 4]);
    tree.set(4, 0.5);
    expect(tree.total).toBe(6.5);
    expect(tree.find(6.49)).toBe(4);
    expect(() => tree.set(5, 1)).toThrow(/SumTree.set: index 5 is out of range for capacity 5/);
    expect(() => tree.set(0, -1)).toThrow(/finite non-negative/);
  });

  it("a uniform mass draws each leaf with probability p_i / Σp (100,000 draws, every bin within 4.5σ)", () => {
    const priorities = [0.5, 3, 0, 1.5, 2, 0.25, 7, 1];
    const tree = new SumTree(priorities.length);
    priorities.forEach((p, i) => tree.set(i, p));
    const rng = new Generator(1);
    const counts = new Array<number>(priorities.length).fill(0);
    const draws = 100_000;
    for (let k = 0; k < draws; k++) counts[tree.find(rng.random() * tree.total)]!++;
    expect(counts[2]).toBe(0);
    const total = priorities.reduce((a, b) => a + b);
    const z = zScores(counts, priorities.map((p) => p / total), draws).filter((_, i) => i !== 2);
    for (const v of z) expect(v).toBeLessThan(4.5);
  });
});

describe("ReplayBuffer", () => {
  it("refuses to sample before it holds a batch, naming the owner and the sizes", () => {
    const buffer = new ReplayBuffer(100, { observationSize: 2, owner: "DQN" });
    for (let k = 0; k < 10; k++) buffer.add(transition(k));
    expect(() => buffer.sample(32, new Generator(0))).toThrow(/^DQN: the replay buffer holds 10 transitions, fewer than the batch size 32/);
    expect(() => buffer.add({ ...transition(1), observation: [1, 2, 3] })).toThrow(/DQN: replay buffer holds observations of size 2, got 3/);
    expect(() => buffer.add({ ...transition(1), action: 0.5 })).toThrow(/DQN: replay buffer holds discrete actions, got 0.5/);
  });

  it("overwrites the oldest transition when full, and every sampled row is one stored transition", () => {
    const buffer = new ReplayBuffer(8, { observationSize: 2 });
    for (let k = 0; k < 13; k++) buffer.add(transition(k));
    expect(buffer.size).toBe(8);
    const rng = new Generator(2);
    const batches = Array.from({ length: 8 }, () => buffer.sample(8, rng));
    const cat = (f: (b: (typeof batches)[number]) => unknown[]) => batches.flatMap(f);
    const batch = { weights: batches[0]!.weights };
    const obs = cat((b) => b.observations.toArray() as number[][]) as number[][];
    const next = cat((b) => b.nextObservations.toArray() as number[][]);
    const actions = cat((b) => b.actions.toArray() as number[]);
    const rewards = cat((b) => b.rewards.toArray() as number[]) as number[];
    const term = cat((b) => b.terminated.toArray() as number[]);
    const seen = new Set<number>();
    obs.forEach(([k], b) => {
      seen.add(k!);
      expect(k).toBeGreaterThanOrEqual(5); // 0..4 were overwritten
      expect(next[b]).toEqual([k! + 1, -k! - 1]);
      expect(actions[b]).toBe(k! % 3);
      expect(rewards[b]).toBeCloseTo(k! / 10, 6);
      expect(term[b]).toBe(k! % 4 === 0 ? 1 : 0);
    });
    expect(seen.size).toBe(8);
    expect(batch.weights.toArray()).toEqual(new Array(8).fill(1));
  });

  it("stores continuous action vectors", () => {
    const buffer = new ReplayBuffer(4, { observationSize: 1, actionSize: 2, owner: "SAC" });
    buffer.add({ observation: [1], action: [0.5, -0.25], reward: 1, nextObservation: [2], terminated: false, discount: 0.9 });
    const batch = buffer.sample(1, new Generator(0));
    expect(batch.actions.shape).toEqual([1, 2]);
    expect(batch.actions.toArray()).toEqual([[0.5, -0.25]]);
    expect(() => buffer.add({ observation: [1], action: 3, reward: 1, nextObservation: [2], terminated: false, discount: 0.9 })).toThrow(/SAC: replay buffer holds actions of size 2/);
  });
});

describe("PrioritizedReplayBuffer", () => {
  it("draws slot i with probability (|δ_i| + ε)^α / Σ and weights it (N·P(i))^−β / max (stratified, 10,000 batches of 6)", () => {
    const alpha = 0.7;
    const buffer = new PrioritizedReplayBuffer(16, { observationSize: 2, alpha, epsilon: 0.01 });
    for (let k = 0; k < 6; k++) buffer.add(transition(k));
    const td = [0.1, 2, 0.5, 0, 1, 4];
    buffer.updatePriorities([0, 1, 2, 3, 4, 5], td);
    const p = td.map((d) => (Math.abs(d) + 0.01) ** alpha);
    const probs = p.map((v) => v / p.reduce((a, b) => a + b));
    for (let i = 0; i < 6; i++) expect(buffer.probability(i)).toBeCloseTo(probs[i]!, 12);
    const rng = new Generator(3);
    const counts = new Array<number>(6).fill(0);
    const beta = 0.5;
    const batches = 10_000;
    const size = 6;
    for (let b = 0; b < batches; b++) {
      const batch = buffer.sample(size, rng, beta);
      const w = batch.weights.toArray() as number[];
      const present = [...new Set(batch.indices)];
      const maxW = Math.max(...present.map((i) => (6 * probs[i]!) ** -beta));
      batch.indices.forEach((i, k) => {
        counts[i]!++;
        expect(w[k]).toBeCloseTo((6 * probs[i]!) ** -beta / maxW, 5);
      });
    }
    // Stratified sampling has lower variance than independent draws, so the binomial bound is conservative.
    for (const z of zScores(counts, probs, batches * size)) expect(z).toBeLessThan(4.5);
  });

  it("gives a new transition the largest priority so far", () => {
    const buffer = new PrioritizedReplayBuffer(8, { observationSize: 2, alpha: 1, epsilon: 1e-6 });
    buffer.add(transition(0));
    buffer.add(transition(1));
    buffer.updatePriorities([0, 1], [3, 0.5]);
    buffer.add(transition(2));
    expect(buffer.probability(2)).toBeCloseTo(buffer.probability(0), 12);
    expect(buffer.probability(0) / buffer.probability(1)).toBeCloseTo((3 + 1e-6) / (0.5 + 1e-6), 9);
    expect(() => buffer.updatePriorities([5], [1])).toThrow(/index 5 is not a filled slot/);
    expect(() => buffer.sample(2, new Generator(0), 1.5)).toThrow(/beta must be in \[0, 1\]/);
  });

  it("linearSchedule anneals β (and ε) linearly and then holds", () => {
    expect([0, 50, 100, 200].map((s) => linearSchedule(0.4, 1, 100, s))).toEqual([0.4, 0.7, 1, 1]);
  });
});
