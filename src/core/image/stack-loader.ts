// Which slices of a stack to decode, and in what order, while a person scrolls: the slice
// they are on first, then outward by distance (ahead of the scroll direction first), with
// a few requests in flight at most. Moving the target re-plans at once, so requests for
// slices left behind are never made (only the few already in flight finish, and are kept).
// Scrolling never waits on this: the viewer shows the nearest decoded slice meanwhile.
// Pure: the decoding is passed in (Cornerstone3D's loader in the app, a fake in tests).

export type SlotState = 'idle' | 'loading' | 'done' | 'failed';

export interface StackLoaderEvents {
  /** Slice `index` is decoded and may be shown. */
  loaded(index: number): void;
  /** Slice `index` cannot be decoded, with why (it is not requested again). */
  failed(index: number, reason: string): void;
}

/**
 * Indices ordered by distance from `target` (the nearest first), the side `direction`
 * points to first at equal distance; only those `want` accepts, at most `limit`.
 */
export function byDistance(
  total: number,
  target: number,
  direction: 1 | -1,
  want: (i: number) => boolean,
  limit = Infinity,
): number[] {
  const out: number[] = [];
  if (total <= 0) return out;
  const t = Math.max(0, Math.min(total - 1, target));
  for (let d = 0; d < total && out.length < limit; d++) {
    for (const i of d === 0 ? [t] : [t + d * direction, t - d * direction]) {
      if (i >= 0 && i < total && want(i) && out.length < limit) out.push(i);
    }
  }
  return out;
}

export class StackLoader {
  private readonly state: SlotState[];
  private target = 0;
  private direction: 1 | -1 = 1;
  private inFlight = 0;
  private stopped = false;

  constructor(
    total: number,
    private readonly decode: (index: number) => Promise<void>,
    private readonly events: StackLoaderEvents,
    private readonly reasonOf: (e: unknown) => string,
    /** Requests in flight: enough to keep the decoders busy, few enough to re-plan fast. */
    private readonly maxInFlight = 2,
  ) {
    this.state = Array.from({ length: total }, () => 'idle' as SlotState);
  }

  get total(): number {
    return this.state.length;
  }

  stateOf(i: number): SlotState | undefined {
    return this.state[i];
  }

  /** Moves the slice the person is on; the next requests are planned around it. */
  setTarget(index: number): void {
    const i = Math.max(0, Math.min(this.state.length - 1, index));
    if (i !== this.target) this.direction = i > this.target ? 1 : -1;
    this.target = i;
    this.pump();
  }

  /** The decoded slice nearest the target (ahead of the scroll first), or null. */
  nearestDone(): number | null {
    return (
      byDistance(
        this.state.length,
        this.target,
        this.direction,
        (i) => this.state[i] === 'done',
        1,
      )[0] ?? null
    );
  }

  /** The decoded slice was dropped from the decoder's cache: it is requested again. */
  evicted(i: number): void {
    if (this.state[i] !== 'done') return;
    this.state[i] = 'idle';
    this.pump();
  }

  /** Stops issuing requests (the pane was closed); those in flight are ignored. */
  stop(): void {
    this.stopped = true;
  }

  private pump(): void {
    const room = this.maxInFlight - this.inFlight;
    if (this.stopped || room <= 0) return;
    const next = byDistance(
      this.state.length,
      this.target,
      this.direction,
      (i) => this.state[i] === 'idle',
      room,
    );
    for (const i of next) this.request(i);
  }

  private request(i: number): void {
    this.state[i] = 'loading';
    this.inFlight++;
    this.decode(i).then(
      () => this.settle(i, null),
      (e: unknown) => this.settle(i, this.reasonOf(e)),
    );
  }

  private settle(i: number, reason: string | null): void {
    this.inFlight--;
    if (this.stopped) return;
    this.state[i] = reason === null ? 'done' : 'failed';
    if (reason === null) this.events.loaded(i);
    else this.events.failed(i, reason);
    this.pump();
  }
}
