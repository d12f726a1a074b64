// SumTree: a binary tree of non-negative priorities whose inner nodes hold the sums of their children.
//
// Prioritized experience replay (Schaul et al. 2016, https://arxiv.org/abs/1511.05952, appendix B.2.1)
// samples transition i with probability p_i / Σ p; the tree makes both an update and a draw O(log N).

/**
 * `capacity` leaves, all starting at priority 0. `find(mass)` returns the leaf whose prefix-sum interval
 * [Σ_{j<i} p_j, Σ_{j≤i} p_j) holds `mass`, so a uniform `mass` in [0, total) draws leaf i with probability p_i / total.
 */
export class SumTree {
  readonly capacity: number;
  /** Number of leaves rounded up to a power of two; leaf i is node `size + i`, node k's children are 2k and 2k+1. */
  private readonly size: number;
  private readonly nodes: Float64Array;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity <= 0) throw new Error(`SumTree: capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    let size = 1;
    while (size < capacity) size *= 2;
    this.size = size;
    this.nodes = new Float64Array(2 * size);
  }

  /** Sum of all priorities. */
  get total(): number {
    return this.nodes[1]!;
  }

  get(index: number): number {
    this.checkIndex("get", index);
    return this.nodes[this.size + index]!;
  }

  set(index: number, priority: number): void {
    this.checkIndex("set", index);
    if (!(priority >= 0) || !Number.isFinite(priority)) {
      throw new Error(`SumTree.set: priority must be a finite non-negative number, got ${priority} at index ${index}`);
    }
    let node = this.size + index;
    this.nodes[node] = priority;
    // Recompute the sums on the path to the root from the children (no drift from repeated += deltas).
    for (node >>= 1; node >= 1; node >>= 1) this.nodes[node] = this.nodes[2 * node]! + this.nodes[2 * node + 1]!;
  }

  /** The leaf whose prefix-sum interval holds `mass` (clamped into [0, total)); only leaves with priority > 0 are returned. */
  find(mass: number): number {
    if (!(this.total > 0)) throw new Error("SumTree.find: all priorities are zero");
    let m = Math.min(Math.max(mass, 0), this.total);
    let node = 1;
    while (node < this.size) {
      const left = 2 * node;
      const leftSum = this.nodes[left]!;
      // Go right when the mass lies past the left subtree, or the left subtree is empty (rounding at the edge).
      if (m < leftSum || this.nodes[left + 1]! === 0) node = left;
      else {
        m -= leftSum;
        node = left + 1;
      }
    }
    return node - this.size;
  }

  private checkIndex(op: string, index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.capacity) {
      throw new Error(`SumTree.${op}: index ${index} is out of range for capacity ${this.capacity}`);
    }
  }
}
