// Hyperband's schedule (Li, Jamieson, DeSalvo, Rostamizadeh & Talwalkar 2017, JMLR 18(185), Algorithm 1):
// brackets of successive halving that trade the number of configurations against the budget each gets.

/** One round of successive halving: `configs` configurations each trained up to `epochs` epochs. */
export interface HyperbandRound {
  configs: number;
  epochs: number;
}

/** One bracket s of Hyperband: its rounds, from many configurations on a small budget to few on the largest. */
export interface HyperbandBracket {
  s: number;
  rounds: HyperbandRound[];
}

/**
 * Hyperband's brackets for a maximum budget R (`maxEpochs`) and reduction factor η (`factor`), as in
 * Algorithm 1 of Li et al.: s_max = ⌊log_η R⌋, and for s = s_max … 0, n = ⌈(s_max + 1)/(s + 1) · η^s⌉
 * configurations start at r = R·η^(−s); round i keeps ⌊n·η^(−i)⌋ of them at r·η^i epochs. Budgets are
 * rounded to whole epochs (at least 1). For R = 81, η = 3 this is the paper's Table 1.
 */
export function hyperbandSchedule(maxEpochs: number, factor = 3): HyperbandBracket[] {
  if (!Number.isInteger(maxEpochs) || maxEpochs < 1) throw new Error(`hyperbandSchedule: maxEpochs must be a whole number ≥ 1, got ${String(maxEpochs)}`);
  if (!(factor > 1)) throw new Error(`hyperbandSchedule: factor must be > 1, got ${String(factor)}`);
  // ⌊log_η R⌋ with a guard against rounding (log_3 81 = 3.9999…).
  let sMax = 0;
  while (factor ** (sMax + 1) <= maxEpochs * (1 + 1e-12)) sMax++;
  const brackets: HyperbandBracket[] = [];
  for (let s = sMax; s >= 0; s--) {
    const n = Math.ceil(((sMax + 1) / (s + 1)) * factor ** s - 1e-9);
    const r = maxEpochs * factor ** -s;
    const rounds: HyperbandRound[] = [];
    for (let i = 0; i <= s; i++) rounds.push({ configs: Math.floor(n * factor ** -i + 1e-9), epochs: Math.max(1, Math.round(r * factor ** i)) });
    brackets.push({ s, rounds });
  }
  return brackets;
}
