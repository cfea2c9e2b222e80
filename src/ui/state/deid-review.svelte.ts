// The review queue's state: the at-risk series of the input folder, the answer a person is
// drafting for each, and the signed decisions the run carries (keyed by SOURCE series UID).
// Decisions stay changeable until the run. Each one is recorded in the audit trail first and
// counts only once it is: a decision shown as made but never recorded (the page closed or
// reloaded while the entry was being written) would be a decision the trail cannot prove.
import type { Region } from '../../core/deid/pixels/types';
import type { BurnedInAnswer, FacialAnswer, ReviewDecision } from '../../core/deid/run/review';
import type { DeidReviewApi, ReviewItem, ReviewKind } from './deid-review-api';

export interface ReviewDraft {
  burnedJustification: string;
  facialJustification: string;
  tool: string;
  /** Rectangles drawn or entered, in stored pixels. */
  regions: Region[];
  /** The numeric rectangle inputs. */
  rect: { x0: number; y0: number; x1: number; y1: number };
}

export type BurnedAction = BurnedInAnswer['action'];
export type FacialAction = FacialAnswer['action'];

const BURNED_WORDS: Record<BurnedAction, string> = {
  pass: 'confirmed clean',
  mask: 'masked',
  exclude: 'excluded',
};
const FACIAL_WORDS: Record<FacialAction, string> = {
  waive: 'waived',
  defaced: 'defaced by an external tool',
  exclude: 'excluded',
};

/** When a decision was made; not reactive state, just a timestamp. */
function nowIso(): string {
  return new Date(Date.now()).toISOString();
}

function emptyDraft(): ReviewDraft {
  return {
    burnedJustification: '',
    facialJustification: '',
    tool: '',
    regions: [],
    rect: { x0: 0, y0: 0, x1: 0, y1: 0 },
  };
}

export class DeidReviewState {
  items = $state<ReviewItem[]>([]);
  decisions = $state<Record<string, ReviewDecision>>({});
  drafts = $state<Record<string, ReviewDraft>>({});
  loading = $state(false);
  status = $state('');
  /** Series whose answer is being recorded; their buttons wait for it. */
  recording = $state<Record<string, true>>({});
  private folder = '';

  constructor(readonly api: DeidReviewApi) {}

  /** Series that need an answer for each risk they carry. */
  get pending(): number {
    return this.items.filter((i) => !this.complete(i)).length;
  }

  get summary(): string {
    if (this.loading) return 'Looking for series at risk…';
    if (!this.items.length) return 'No series at burned-in or facial risk in this folder.';
    const decided = this.items.length - this.pending;
    return `${decided} of ${this.items.length} series decided`;
  }

  complete(i: ReviewItem): boolean {
    const d = this.decisions[i.series];
    return (!i.burnedIn.length || !!d?.burnedIn) && (!i.facial.length || !!d?.facial);
  }

  /** Every listed series has a draft (made by load); reading never creates one. */
  draft(series: string): ReviewDraft {
    return this.drafts[series] ?? emptyDraft();
  }

  async load(inputId: string): Promise<void> {
    this.folder = inputId;
    this.items = [];
    if (!inputId) return;
    this.loading = true;
    try {
      const [queue, saved] = await Promise.all([this.api.queue(inputId), this.api.load(inputId)]);
      if (this.folder !== inputId) return;
      if (!queue.ok) {
        this.status = `Could not list series at risk: ${queue.message}`;
        return;
      }
      const items = queue.value;
      const drafts: Record<string, ReviewDraft> = {};
      const decisions: Record<string, ReviewDecision> = {};
      for (const [series, d] of saved) decisions[series] = d;
      // A 'confirmed clean' saved when a picture was shown does not stand for a series
      // whose picture cannot be shown now (another device, a file changed): ask again.
      let dropped = 0;
      for (const i of items) {
        const d = decisions[i.series];
        if (d?.burnedIn?.action !== 'pass' || !this.unseen(i)) continue;
        const { burnedIn: _, ...rest } = d;
        if (rest.facial) decisions[i.series] = rest;
        else delete decisions[i.series];
        dropped++;
      }
      for (const i of items) {
        const d = decisions[i.series];
        drafts[i.series] = {
          ...emptyDraft(),
          burnedJustification: d?.burnedIn?.justification ?? '',
          facialJustification: d?.facial?.justification ?? '',
          tool: d?.facial?.tool ?? '',
          regions: d?.burnedIn?.regions ?? [],
        };
      }
      this.decisions = decisions;
      this.drafts = drafts;
      this.items = items;
      this.status = dropped
        ? `${dropped} series confirmed clean earlier now have no picture to show: answer again (mask or exclude).`
        : '';
    } catch (e) {
      this.status = `Could not list series at risk: ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      this.loading = false;
    }
  }

  /** Why a series cannot be confirmed clean: no picture was shown (DEID-88); '' when it can. */
  unseen(item: ReviewItem): string {
    return 'reason' in item.thumbnail
      ? `No picture could be drawn (${item.thumbnail.reason}): a reviewer may confirm only what was shown, so mask or exclude it.`
      : '';
  }

  /**
   * Other series like this one for `kind` (same risks, modality and body part) that have no
   * answer for it yet (DEID-89).
   */
  similar(item: ReviewItem, kind: ReviewKind): ReviewItem[] {
    const has = (i: ReviewItem) => (kind === 'burned-in' ? i.burnedIn.length : i.facial.length);
    return this.items.filter((i) => {
      if (i.series === item.series || i.similarKey !== item.similarKey || !has(i)) return false;
      const d = this.decisions[i.series];
      return !(kind === 'burned-in' ? d?.burnedIn : d?.facial);
    });
  }

  /** Why the button for `action` cannot be used yet, or '' when it can. */
  blocker(
    item: ReviewItem,
    kind: ReviewKind,
    action: BurnedAction | FacialAction,
    draft: ReviewDraft = this.draft(item.series),
  ): string {
    const d = draft;
    if (this.recording[item.series]) return 'Recording the answer in the audit trail…';
    if (kind === 'burned-in') {
      if (!d.burnedJustification.trim()) return 'Write a justification first.';
      if (action === 'pass' && this.unseen(item)) return this.unseen(item);
      if (action === 'mask' && item.blacklist.length)
        return `Pixel rule ${item.blacklist.join(', ')} rejects this image outright: masking would hold it back. Confirm clean or exclude.`;
      if (
        action === 'mask' &&
        !d.regions.length &&
        !item.ruleRegions.length &&
        !item.ruleKeep.length
      )
        return 'No pixel rule matches this series: draw or enter a rectangle to mask first.';
      return '';
    }
    if (!d.facialJustification.trim()) return 'Write a justification first.';
    if (action === 'defaced' && !d.tool.trim()) return 'Name the defacing tool and version first.';
    return '';
  }

  addRect(series: string, r: Region): void {
    const d = this.draft(series);
    const x0 = Math.min(r.x0, r.x1);
    const x1 = Math.max(r.x0, r.x1);
    const y0 = Math.min(r.y0, r.y1);
    const y1 = Math.max(r.y0, r.y1);
    const ok = [x0, y0, x1, y1].every((v) => Number.isFinite(v) && v >= 0);
    if (!ok || x1 <= x0 || y1 <= y0) {
      this.status = 'A rectangle needs x1 > x0 and y1 > y0, in stored pixels.';
      return;
    }
    d.regions = [...d.regions, { x0, y0, x1, y1 }];
    this.status = `Rectangle ${x0},${y0}–${x1},${y1} added (${d.regions.length} drawn).`;
  }

  removeRect(series: string, index: number): void {
    const d = this.draft(series);
    d.regions = d.regions.filter((_, i) => i !== index);
  }

  /**
   * Records one answer for one series, made from `d` (its own draft, or the one applied),
   * then applies it. False, with the reason in `status`, when it could not be recorded.
   */
  private async answer(
    item: ReviewItem,
    kind: ReviewKind,
    action: BurnedAction | FacialAction,
    d: ReviewDraft,
    signed: { by: string; at: string },
  ): Promise<boolean> {
    let answer: BurnedInAnswer | FacialAnswer;
    if (kind === 'burned-in') {
      const a: BurnedInAnswer = {
        action: action as BurnedAction,
        justification: d.burnedJustification.trim(),
        ...signed,
      };
      if (a.action === 'mask' && d.regions.length) a.regions = d.regions.map((r) => ({ ...r }));
      answer = a;
    } else {
      const a: FacialAnswer = {
        action: action as FacialAction,
        justification: d.facialJustification.trim(),
        ...signed,
      };
      if (a.action === 'defaced') a.tool = d.tool.trim();
      answer = a;
    }
    if (!(await this.recorded(item, kind, answer))) return false;
    const current = { ...this.decisions[item.series] };
    if (kind === 'burned-in') current.burnedIn = answer as BurnedInAnswer;
    else current.facial = answer as FacialAnswer;
    this.decisions = { ...this.decisions, [item.series]: current };
    await this.saveHere();
    return true;
  }

  async withdraw(item: ReviewItem, kind: ReviewKind): Promise<void> {
    if (!(await this.recorded(item, kind, null))) return;
    const current = { ...this.decisions[item.series] };
    if (kind === 'burned-in') delete current.burnedIn;
    else delete current.facial;
    const next = { ...this.decisions };
    if (current.burnedIn || current.facial) next[item.series] = current;
    else delete next[item.series];
    this.decisions = next;
    await this.saveHere();
    this.status = `${item.label}: ${kind} decision withdrawn. ${this.summary}.`;
  }

  /** The audit entry for an answer (null: withdrawn); false with the reason when it failed. */
  private async recorded(
    item: ReviewItem,
    kind: ReviewKind,
    answer: BurnedInAnswer | FacialAnswer | null,
  ): Promise<boolean> {
    this.recording = { ...this.recording, [item.series]: true };
    try {
      await this.api.record(item.series, kind, answer);
      return true;
    } catch (e) {
      this.status = `${item.label}: not ${answer ? 'decided' : 'withdrawn'}, because the audit trail did not record it (${e instanceof Error ? e.message : String(e)}). Try again.`;
      return false;
    } finally {
      const { [item.series]: _, ...rest } = this.recording;
      this.recording = rest;
    }
  }

  /** Keeps the decisions on this device, so a reload finds them before the run. */
  private async saveHere(): Promise<void> {
    try {
      await this.api.save(this.folder, Object.entries($state.snapshot(this.decisions)));
    } catch (e) {
      this.status = `Recorded in the audit trail, but not kept on this device for the run: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  async decide(
    item: ReviewItem,
    kind: ReviewKind,
    action: BurnedAction | FacialAction,
  ): Promise<void> {
    const why = this.blocker(item, kind, action);
    if (why) {
      this.status = why;
      return;
    }
    const done = await this.answer(item, kind, action, this.draft(item.series), {
      by: await this.api.by(),
      at: nowIso(),
    });
    if (done) this.status = `${item.label}: ${this.describe(item.series, kind)}. ${this.summary}.`;
  }

  /**
   * The same answer for this series and every similar one still open (DEID-89): one answer,
   * with this justification, recorded per series. A similar series the answer cannot apply
   * to (no picture for 'confirm clean', no region for 'mask') keeps its own question.
   */
  async decideSimilar(
    item: ReviewItem,
    kind: ReviewKind,
    action: BurnedAction | FacialAction,
  ): Promise<void> {
    const d = this.draft(item.series);
    const why = this.blocker(item, kind, action);
    if (why) {
      this.status = why;
      return;
    }
    const signed = { by: await this.api.by(), at: nowIso() };
    const others = this.similar(item, kind);
    const fits = others.filter((o) => !this.blocker(o, kind, action, d));
    for (const target of [item, ...fits]) {
      // The first answer that cannot be recorded stops the rest; its reason stays shown.
      if (!(await this.answer(target, kind, action, d, signed))) return;
    }
    const left = others.length - fits.length;
    this.status =
      `${kind} ${action} applied to ${fits.length + 1} series, recorded for each` +
      (left ? `; ${left} similar series need their own answer (see each)` : '') +
      `. ${this.summary}.`;
  }

  /** The decision for one risk of a series, in words; '' when undecided. */
  describe(series: string, kind: ReviewKind): string {
    const d = this.decisions[series];
    const a = kind === 'burned-in' ? d?.burnedIn : d?.facial;
    if (!a) return '';
    const what =
      kind === 'burned-in'
        ? BURNED_WORDS[a.action as BurnedAction]
        : FACIAL_WORDS[a.action as FacialAction];
    const extra =
      'regions' in a && a.regions?.length
        ? ` (${a.regions.length} drawn rectangle(s))`
        : 'tool' in a && a.tool
          ? ` (${a.tool})`
          : '';
    return `${kind} ${what}${extra} by ${a.by} at ${a.at}: ${a.justification}`;
  }

  /** Decisions for the series listed in this folder, for the run request. */
  forRun(): Array<[string, ReviewDecision]> {
    const out: Array<[string, ReviewDecision]> = [];
    for (const [s, d] of Object.entries($state.snapshot(this.decisions))) {
      const item = this.items.find((i) => i.series === s);
      if (!item) continue;
      // The same rule as blocker(): no 'confirmed clean' leaves for a picture never shown.
      if (d.burnedIn?.action === 'pass' && this.unseen(item)) {
        const { burnedIn: _, ...rest } = d;
        if (rest.facial) out.push([s, rest]);
      } else out.push([s, d]);
    }
    return out;
  }
}
