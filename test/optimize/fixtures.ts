// Loads the scipy reference values written by test/fixtures/optimize/scipy_reference.py.
import { readFileSync } from "node:fs";

export interface ScipyRun { x0: number[]; nit: number; nfev: number; njev?: number; x: number[]; fun: number; gtol?: number; norm?: string }

export interface ScipyReference {
  scipy_version: string;
  runs: Record<string, ScipyRun>;
  rosen_values: { x: number[]; f: number; grad: number[]; hess: number[] }[];
  brent_rosen_steepest: { x: number[]; d: number[]; alpha: number; phi: number };
  logistic: {
    X: number[]; y: number[]; l2: number; w0: number[];
    loss_w0: number; grad_w0: number[]; hess_w0: number[]; w_star: number[]; loss_star: number;
  };
}

export const scipyRef: ScipyReference = JSON.parse(
  readFileSync(new URL("../fixtures/optimize/scipy_reference.json", import.meta.url), "utf8"),
);
