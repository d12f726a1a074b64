// Argument checks shared by the model constructors: errors name the model and the option.
import { describe } from "../../tensor/validate.js";

/** An integer ≥ `min`, or an error `Model: name must be an integer ≥ min, got …`. */
export function modelInt(model: string, name: string, value: unknown, min: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new Error(`${model}: ${name} must be an integer ≥ ${min}, got ${describe(value)}`);
  }
  return value;
}

/** A list of integers ≥ `min`, of length `length` when given. */
export function modelIntList(model: string, name: string, value: unknown, length: number | null, min: number): number[] {
  if (!Array.isArray(value) || (length !== null && value.length !== length) || value.length === 0) {
    throw new Error(`${model}: ${name} must be a list of ${length ?? "one or more"} integers, got ${describe(value)}`);
  }
  return value.map((v, i) => modelInt(model, `${name}[${i}]`, v, min));
}

/** A probability in [0, 1). */
export function modelProb(model: string, name: string, value: unknown): number {
  if (typeof value !== "number" || !(value >= 0 && value < 1)) throw new Error(`${model}: ${name} must be a number in [0, 1), got ${describe(value)}`);
  return value;
}
