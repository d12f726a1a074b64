import { describe, expect, it } from "vitest";
import type { Env, Info, ResetOptions, StepResult } from "../../src/rl/Env.js";
import { Discrete } from "../../src/rl/spaces.js";
import { TimeLimit } from "../../src/rl/wrappers.js";
import { make, register, registeredIds, spec } from "../../src/rl/registry.js";
import { checkEnv } from "../../src/rl/checkEnv.js";
import { CartPole } from "../../src/rl/envs/classic/CartPole.js";
import { MountainCar } from "../../src/rl/envs/classic/MountainCar.js";
import { Pendulum } from "../../src/rl/envs/classic/Pendulum.js";
import { FrozenLake } from "../../src/rl/envs/FrozenLake.js";

describe("registry", () => {
  it("applies Gymnasium's time limits", () => {
    // Gymnasium's registrations: CartPole-v1 500, MountainCar-v0 200, Pendulum-v1 200,
    // FrozenLake-v1 100, FrozenLake8x8-v1 200.
    const limits: Record<string, number> = {
      "CartPole-v1": 500,
      "MountainCar-v0": 200,
      "Pendulum-v1": 200,
      "FrozenLake-v1": 100,
      "FrozenLake8x8-v1": 200,
    };
    for (const [id, limit] of Object.entries(limits)) {
      const env = make(id);
      expect(env).toBeInstanceOf(TimeLimit);
      expect((env as TimeLimit<unknown, unknown>).maxEpisodeSteps).toBe(limit);
      expect(env.id).toBe(id);
      expect(spec(id).maxEpisodeSteps).toBe(limit);
    }
    expect(((make("FrozenLake8x8-v1") as TimeLimit<number, number>).env as FrozenLake).nS).toBe(64);
  });

  it("truncates a made MountainCar after exactly 200 steps of doing nothing", () => {
    const env = make<number[], number>("MountainCar-v0");
    env.reset({ seed: 1 });
    let steps = 0, truncated = false;
    while (!truncated) {
      const r = env.step(1);
      expect(r[2]).toBe(false);
      truncated = r[3];
      steps++;
    }
    expect(steps).toBe(200);
  });

  it("lists the known ids when the id is unknown", () => {
    expect(() => make("CartPole-v0")).toThrow(
      /make: unknown environment id "CartPole-v0"; registered ids: .*CartPole-v1.*MountainCar-v0/,
    );
  });

  it("passes options to the factory, overrides or removes the time limit, and rejects unknown options", () => {
    const lake = make("FrozenLake-v1", { isSlippery: false, maxEpisodeSteps: 7 }) as TimeLimit<number, number>;
    expect(lake.maxEpisodeSteps).toBe(7);
    expect((lake.env as FrozenLake).P[0]![2]).toEqual([{ prob: 1, next: 1, reward: 0, done: false }]);
    expect(make("Pendulum-v1", { maxEpisodeSteps: null })).toBeInstanceOf(Pendulum);
    expect(() => make("FrozenLake-v1", { isSlipery: false })).toThrow(/unknown option\(s\) isSlipery; known options: desc, mapName/);
  });

  it("lets other modules register ids, refusing duplicates unless overridden", () => {
    const factory = (): Env<number[], number> => new CartPole({ suttonBartoReward: true });
    register("TestCartPole-v9", factory, { maxEpisodeSteps: 3 });
    expect(registeredIds()).toContain("TestCartPole-v9");
    const env = make<number[], number>("TestCartPole-v9");
    env.reset({ seed: 0 });
    expect(env.step(0)[1]).toBe(0); // Sutton–Barto reward: 0 per non-terminal step
    expect(() => register("TestCartPole-v9", factory)).toThrow(/already registered/);
    register("TestCartPole-v9", factory, { override: true });
    expect(make("TestCartPole-v9")).toBeInstanceOf(CartPole);
    expect(() => register("Bad-v0", factory, { maxEpisodeSteps: -1 })).toThrow(/positive integer, got -1/);
  });
});

describe("checkEnv", () => {
  const envs: Array<[string, () => Env<any, any>]> = [
    ["CartPole", () => new CartPole()],
    ["CartPole semi-implicit", () => new CartPole({ kinematicsIntegrator: "semi-implicit" })],
    ["MountainCar", () => new MountainCar()],
    ["Pendulum", () => new Pendulum()],
    ["FrozenLake 4x4", () => new FrozenLake()],
    ["FrozenLake 8x8 not slippery", () => new FrozenLake({ mapName: "8x8", isSlippery: false })],
    ["FrozenLake custom", () => new FrozenLake({ desc: ["SFH", "FFG"] })],
    ...registeredIds()
      .filter((id) => !id.startsWith("Test"))
      .map((id): [string, () => Env<any, any>] => [`make("${id}")`, () => make(id)]),
  ];

  it.each(envs)("passes on %s", (_name, build) => {
    expect(() => checkEnv(build())).not.toThrow();
  });

  /** A well-behaved env that terminates after 5 steps; `flaw` breaks one rule. */
  class Flawed implements Env<number, number> {
    readonly id = "Flawed-v0";
    readonly observationSpace = new Discrete(6);
    readonly actionSpace = new Discrete(2);
    private t = 0;
    private done = true;
    constructor(private readonly flaw: string) {}
    reset(_options?: ResetOptions): [number, Info] {
      this.t = 0;
      this.done = false;
      return [this.flaw === "obs" ? 17 : 0, {}];
    }
    step(action: number): StepResult<number> {
      if (this.flaw !== "invalid" && !this.actionSpace.contains(action)) throw new Error(`bad action ${action}`);
      if (this.done && this.flaw !== "afterDone") throw new Error("episode over");
      this.t = Math.min(this.t + 1, 5);
      this.done = this.t === 5;
      const reward = this.flaw === "random" ? Math.random() : this.flaw === "nan" ? NaN : 1;
      return [this.t, reward, this.done, false, {}];
    }
  }

  it.each([
    ["obs", /reset\(\) observation 17 is not in the observation space Discrete\(6\)/],
    ["random", /not deterministic per seed/],
    ["nan", /reward must be a finite number, got NaN/],
    ["afterDone", /after the episode ended did not throw/],
    ["invalid", /with an action outside Discrete\(2\) did not throw/],
  ])("catches a deliberately broken env (%s)", (flaw, message) => {
    expect(() => checkEnv(new Flawed(flaw))).toThrow(message);
    expect(() => checkEnv(new Flawed("none"))).not.toThrow();
  });

  it("catches a reset that returns the observation alone", () => {
    const env = new CartPole();
    const broken = { observationSpace: env.observationSpace, actionSpace: env.actionSpace, reset: () => env.reset()[0], step: (a: number) => env.step(a) };
    expect(() => checkEnv(broken as unknown as Env<number[], number>)).toThrow(/reset\(\) must return \[observation, info\]/);
  });
});
