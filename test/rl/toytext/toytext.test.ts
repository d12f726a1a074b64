// The Sutton & Barto toy-text environments: registration, the env checker, and the dynamics stated in the book.
import { describe, expect, it } from "vitest";
import { checkEnv } from "../../../src/rl/checkEnv.js";
import { Bandit } from "../../../src/rl/envs/toytext/Bandit.js";
import { Blackjack, blackjackModel, dealerFinalDistribution, HIT, STICK } from "../../../src/rl/envs/toytext/Blackjack.js";
import { CliffWalking } from "../../../src/rl/envs/toytext/CliffWalking.js";
import { DOWN, GridWorld5x5, LEFT, RIGHT, UP } from "../../../src/rl/envs/toytext/GridWorld5x5.js";
import "../../../src/rl/envs/toytext/register.js";
import { make } from "../../../src/rl/registry.js";
import { fromEnv, validateMDP } from "../../../src/rl/tabular/fromEnv.js";

const IDS = ["Bandit-v0", "GridWorld5x5", "GridWorld4x4", "CliffWalking-v0", "Blackjack-v1", "RecyclingRobot", "JacksCarRental", "RandomWalk"];

describe("toy-text registry", () => {
  it.each(IDS)("make(%s) passes the env checker (determinism, bad actions, stepping after the end)", (id) => {
    checkEnv(make(id), { maxSteps: 200 });
  });

  it("rejects unknown options and exposes tabular models through the TimeLimit wrapper", () => {
    expect(() => make("GridWorld5x5", { size: 7 })).toThrow(/unknown option/);
    for (const id of ["GridWorld5x5", "GridWorld4x4", "CliffWalking-v0", "RecyclingRobot"]) validateMDP(fromEnv(make(id)), id);
    expect(make("Bandit-v0", { k: 3 }).actionSpace.contains(3)).toBe(false);
  });
});

describe("GridWorld5x5 dynamics (Example 3.5)", () => {
  const start = (s: number): GridWorld5x5 => {
    const env = new GridWorld5x5();
    env.reset({ options: { state: s } });
    return env;
  };
  it("A → A' with +10 and B → B' with +5 whatever the action", () => {
    for (const a of [UP, RIGHT, DOWN, LEFT]) {
      expect(start(1).step(a).slice(0, 3)).toEqual([21, 10, false]);
      expect(start(3).step(a).slice(0, 3)).toEqual([13, 5, false]);
    }
  });
  it("off-grid moves cost −1 and stay; other moves give 0", () => {
    expect(start(0).step(UP).slice(0, 2)).toEqual([0, -1]);
    expect(start(24).step(RIGHT).slice(0, 2)).toEqual([24, -1]);
    expect(start(12).step(DOWN).slice(0, 2)).toEqual([17, 0]);
  });
  it("explains bad start states", () => {
    expect(() => new GridWorld5x5().reset({ options: { state: 25 } })).toThrow(/options.state 25 is not in Discrete\(25\)/);
  });
});

describe("CliffWalking-v0 (Example 6.6)", () => {
  it("starts at 36; stepping into the cliff costs −100 and returns to the start; the goal ends with −1", () => {
    const env = new CliffWalking();
    expect(env.reset({ seed: 0 })[0]).toBe(36);
    expect(env.step(RIGHT).slice(0, 4)).toEqual([36, -100, false, false]);
    expect(env.step(UP).slice(0, 3)).toEqual([24, -1, false]);
    env.reset({ options: { state: 35 } });
    expect(env.step(DOWN).slice(0, 3)).toEqual([47, -1, true]);
    expect(() => env.step(DOWN)).toThrow(/episode is over/);
  });
});

describe("Blackjack-v1 (Example 5.1)", () => {
  it("the dealer's final-score distribution sums to 1 and agrees with simulated dealer play", () => {
    const env = new Blackjack();
    const n = 20_000;
    for (const showing of [1, 6, 10]) {
      const dist = dealerFinalDistribution(showing);
      expect(dist.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      // Simulate by sticking at once from a start with this dealer card; bust frequency is the check.
      let busts = 0;
      env.reset({ seed: showing });
      for (let i = 0; i < n; i++) {
        env.reset({ options: { state: [12, showing, 0] } });
        env.step(STICK);
        const dealerSum = dealerValue(env.dealer);
        if (dealerSum > 21) busts++;
        expect(dealerSum).toBeGreaterThanOrEqual(17);
      }
      const p = dist[0]!;
      // Binomial standard error sqrt(p(1−p)/n) ≤ 0.0036; allow 4 of them.
      expect(Math.abs(busts / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
    }
  });

  it("a player natural wins +1 under sab and pays 1.5 with natural=true, as in Gymnasium", () => {
    const round = (opts: { natural?: boolean; sab?: boolean }): number => {
      const env = new Blackjack(opts);
      env.reset({ options: { state: [21, 9, 1] } });
      env.dealer = [9, 9]; // dealer stands on 18: the natural 21 wins
      return env.step(STICK)[1];
    };
    expect(round({})).toBe(1);
    expect(round({ natural: true })).toBe(1.5);
    expect(round({ sab: true })).toBe(1);
  });

  it("hitting a hard 20 busts with −1 unless the card is an ace; a soft 20 never busts", () => {
    const env = new Blackjack();
    env.reset({ seed: 5 });
    let busts = 0;
    for (let i = 0; i < 50; i++) {
      env.reset({ options: { state: [20, 5, 0] } });
      const [obs, reward, terminated] = env.step(HIT);
      if (obs[0] > 21) {
        busts++;
        expect([reward, terminated]).toEqual([-1, true]);
      } else {
        expect([obs[0], reward, terminated]).toEqual([21, 0, false]);
      }
      env.reset({ options: { state: [20, 5, 1] } });
      const [softObs, , softTerminated] = env.step(HIT);
      expect(softTerminated).toBe(false);
      // An ace makes a soft 21; any other card c turns the ace into 1: a hard 10 + c ≤ 20.
      expect([softObs[0], softObs[2]]).toEqual(softObs[0] === 21 ? [21, 1] : [softObs[0], 0]);
      expect(softObs[0]).toBeGreaterThanOrEqual(12);
    }
    expect(busts).toBeGreaterThan(35); // P(bust) = 12/13 per hit
  });

  it("the tabular model is a valid MDP over the book's 200 states", () => {
    const model = blackjackModel();
    validateMDP(model, "blackjackModel");
    expect(model.states.length).toBe(200);
  });

  it("explains bad exploring-start states", () => {
    expect(() => new Blackjack().reset({ options: { state: [25, 1, 0] } })).toThrow(/options.state must be \[playerSum 12..21/);
  });
});

describe("Bandit-v0 (Section 2.3)", () => {
  it("rewards are N(q*(a), 1): sample means agree within 4 standard errors", () => {
    const env = new Bandit();
    env.reset({ seed: 1 });
    const n = 4000;
    for (let a = 0; a < 10; a++) {
      let total = 0;
      for (let i = 0; i < n; i++) total += env.step(a)[1];
      expect(Math.abs(total / n - env.qStar[a]!)).toBeLessThan(4 / Math.sqrt(n));
    }
  });

  it("q*(a) ~ N(0, 1) over many problems (mean and variance within sampling error)", () => {
    const env = new Bandit();
    const values: number[] = [];
    env.reset({ seed: 2 });
    for (let i = 0; i < 500; i++) {
      env.reset();
      values.push(...env.qStar);
    }
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(values.length));
    expect(Math.abs(variance - 1)).toBeLessThan(4 * Math.sqrt(2 / values.length));
  });

  it("the nonstationary testbed starts with equal values that then random-walk; infos flag optimal pulls", () => {
    const env = new Bandit({ nonstationary: true });
    env.reset({ seed: 3 });
    expect(new Set(env.qStar).size).toBe(1);
    const [, , , , info] = env.step(0);
    expect(info["optimal"]).toBe(true);
    for (let i = 0; i < 100; i++) env.step(0);
    expect(new Set(env.qStar).size).toBe(10);
    for (let a = 0; a < 10; a++) {
      const before = [...env.qStar];
      expect(env.step(a)[4]["optimal"]).toBe(before[a] === Math.max(...before));
    }
  });
});

function dealerValue(hand: number[]): number {
  const total = hand.reduce((a, b) => a + b, 0);
  return hand.includes(1) && total + 10 <= 21 ? total + 10 : total;
}
