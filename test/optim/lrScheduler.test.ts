import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { tensor } from "../../src/ops/creation.js";
import { Parameter } from "../../src/nn/Parameter.js";
import * as optim from "../../src/optim/index.js";
import * as lrScheduler from "../../src/optim/lrScheduler.js";

const ref: {
  schedulers: { kind: string; options: Record<string, number>; lrs: number[] }[];
  plateau: { options: lrScheduler.ReduceLROnPlateauOptions; metrics: number[]; lrs: number[] }[];
} = JSON.parse(readFileSync(new URL("../fixtures/optim/optim_reference.json", import.meta.url), "utf8"));

const sgd = (lr: number): optim.SGD => new optim.SGD([new Parameter(tensor([0]))], { lr });

function scheduler(kind: string, opt: optim.SGD, options: Record<string, number>): lrScheduler.LRScheduler {
  const o = options as never;
  if (kind === "StepLR") return new lrScheduler.StepLR(opt, o);
  if (kind === "MultiStepLR") return new lrScheduler.MultiStepLR(opt, o);
  if (kind === "ExponentialLR") return new lrScheduler.ExponentialLR(opt, o);
  if (kind === "CosineAnnealingLR") return new lrScheduler.CosineAnnealingLR(opt, o);
  if (kind === "LinearLR") return new lrScheduler.LinearLR(opt, o);
  if (kind.startsWith("LambdaLR")) return new lrScheduler.InverseTimeLR(opt, o);
  throw new Error(`unknown scheduler ${kind}`);
}

describe("lr schedulers equal torch.optim.lr_scheduler (25 steps from lr 0.5)", () => {
  for (const s of ref.schedulers) {
    it(`${s.kind} ${JSON.stringify(s.options)}`, () => {
      const opt = sgd(0.5);
      const sch = scheduler(s.kind, opt, s.options);
      const lrs = [opt.paramGroups[0]!.lr];
      for (let t = 0; t < 25; t++) {
        sch.step();
        lrs.push(opt.paramGroups[0]!.lr);
      }
      lrs.forEach((lr, t) => expect(Math.abs(lr - s.lrs[t]!), `t = ${t}`).toBeLessThan(1e-12));
      expect(sch.getLastLr()).toEqual([lrs[25]]);
    });
  }

  it("ReduceLROnPlateau follows torch's patience, threshold, cooldown and minLr rules", () => {
    for (const p of ref.plateau) {
      const opt = sgd(1);
      const sch = new lrScheduler.ReduceLROnPlateau(opt, p.options);
      p.metrics.forEach((m, t) => {
        sch.step(m);
        expect(opt.paramGroups[0]!.lr, `${JSON.stringify(p.options)} epoch ${t}`).toBeCloseTo(p.lrs[t]!, 14);
      });
    }
  });
});

describe("schedule functions", () => {
  it("match their closed forms: α₀/(1+βt), α₀γᵗ, α₀e^(−βt)", () => {
    for (const t of [0, 1, 7, 100]) {
      expect(lrScheduler.inverseTimeDecay(0.3, 0.5)(t)).toBe(0.3 / (1 + 0.5 * t));
      expect(lrScheduler.exponentialDecay(0.3, 0.9)(t)).toBeCloseTo(0.3 * 0.9 ** t, 15);
      expect(lrScheduler.naturalExpDecay(0.3, 0.1)(t)).toBeCloseTo(0.3 * Math.exp(-0.1 * t), 15);
    }
  });

  it("withLinearWarmup ramps to the schedule's first value, then follows it", () => {
    const s = lrScheduler.withLinearWarmup(lrScheduler.exponentialDecay(1, 0.5), 4);
    expect([0, 1, 2, 3, 4, 5, 6].map(s)).toEqual([0.25, 0.5, 0.75, 1, 1, 0.5, 0.25]);
  });

  it("ScheduleLR and LambdaLR write group learning rates", () => {
    const opt = new optim.SGD(
      [{ params: [new Parameter(tensor([0]))], lr: 1 }, { params: [new Parameter(tensor([0]))], lr: 0.1 }],
      { lr: 0.5 },
    );
    const l = new lrScheduler.LambdaLR(opt, (t) => 1 / (t + 1));
    l.step();
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.5, 0.05]);
    const s = new lrScheduler.ScheduleLR(opt, lrScheduler.stepDecay(2, 1, 0.5));
    s.step();
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([1, 1]);
  });
});
