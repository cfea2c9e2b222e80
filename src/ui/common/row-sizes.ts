// Row heights of a virtual table whose rows differ in height (a wrapped sentence, an opened
// details row). Rows not yet measured count as the estimate. A Fenwick tree over the heights
// answers "where does row i start" and "which row is at y" in O(log n), so a 100,000-row
// trail scrolls without summing 100,000 numbers per frame. Pure: no DOM.
export class RowSizes {
  private heights = new Float64Array(0);
  /** Fenwick tree over `heights`, 1-based. */
  private tree = new Float64Array(1);
  private top = 0;

  constructor(private readonly estimate: number) {}

  get count(): number {
    return this.heights.length;
  }

  /** The table now has `count` rows: heights measured below it are kept. */
  resize(count: number): void {
    if (count === this.heights.length) return;
    const heights = new Float64Array(count).fill(this.estimate);
    heights.set(this.heights.subarray(0, Math.min(count, this.heights.length)));
    this.heights = heights;
    this.tree = new Float64Array(count + 1);
    for (let k = 1; k <= count; k++) {
      this.tree[k]! += heights[k - 1]!;
      const parent = k + (k & -k);
      if (parent <= count) this.tree[parent]! += this.tree[k]!;
    }
    this.top = count === 0 ? 0 : 2 ** Math.floor(Math.log2(count));
  }

  /** Records row i's measured height; true when it changed what the table lays out. */
  set(i: number, height: number): boolean {
    if (i < 0 || i >= this.heights.length || !(height > 0)) return false;
    const delta = height - this.heights[i]!;
    if (Math.abs(delta) < 0.5) return false;
    this.heights[i] = height;
    for (let k = i + 1; k <= this.heights.length; k += k & -k) this.tree[k]! += delta;
    return true;
  }

  /** Where row i starts: the heights of rows 0..i-1 (i may be count: the total). */
  offset(i: number): number {
    let sum = 0;
    for (let k = Math.min(i, this.heights.length); k > 0; k -= k & -k) sum += this.tree[k]!;
    return sum;
  }

  total(): number {
    return this.offset(this.heights.length);
  }

  /** The row that covers y (the last row past the end, 0 when there is none). */
  indexAt(y: number): number {
    const n = this.heights.length;
    if (n === 0) return 0;
    let pos = 0;
    let rest = y;
    for (let step = this.top; step > 0; step >>= 1) {
      const next = pos + step;
      if (next <= n && this.tree[next]! <= rest) {
        pos = next;
        rest -= this.tree[next]!;
      }
    }
    return Math.min(pos, n - 1);
  }
}
