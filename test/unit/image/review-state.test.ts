// The review queue's state (issue 9 finding 17): a reviewer may confirm clean only what the
// app showed. Without a picture, 'pass' is refused by decide and by 'apply to similar', a
// saved 'pass' is not restored, and the run request never carries one.
import { describe, expect, it } from 'vitest';
import type { ReviewDecision } from '../../../src/core/deid/run/review';
import type { DeidReviewApi, ReviewItem } from '../../../src/ui/state/deid-review-api';
import { DeidReviewState } from '../../../src/ui/state/deid-review.svelte';

function item(series: string, shown: boolean): ReviewItem {
  return {
    series,
    label: `series ${series}`,
    modality: 'US',
    bodyPart: '',
    instances: 1,
    tag: series.padStart(6, '0'),
    similarKey: 'b:modality|US|',
    burnedIn: ['modality US often carries burned-in text'],
    facial: [],
    thumbnail: shown
      ? {
          width: 1,
          height: 1,
          rgba: new Uint8ClampedArray(4),
          columns: 1,
          rows: 1,
          frame: 0,
          frames: 1,
          mapping: 'stretched',
        }
      : { code: 'undrawable' as const, reason: 'JPEG 2000 could not be decoded' },
    ruleRegions: [],
    ruleKeep: [],
    rules: [],
    blacklist: [],
  };
}

function harness(
  items: ReviewItem[],
  saved: Array<[string, ReviewDecision]> = [],
  record: DeidReviewApi['record'] = async () => {},
) {
  const recorded: string[] = [];
  const kept: Array<Array<[string, ReviewDecision]>> = [];
  const api: DeidReviewApi = {
    queue: async () => ({ ok: true, value: items }),
    load: async () => saved,
    save: async (_, d) => void kept.push(d),
    by: async () => 'Dr Reviewer',
    record: async (series, kind, answer) => {
      await record(series, kind, answer);
      recorded.push(`${series}:${answer?.action ?? 'withdrawn'}`);
    },
  };
  return { state: new DeidReviewState(api), recorded, kept };
}

const pass = (by = 'A'): ReviewDecision => ({
  burnedIn: { action: 'pass', justification: 'looked', by, at: '2026-01-01T00:00:00Z' },
});

describe('DeidReviewState: confirm clean only what was shown', () => {
  it('refuses pass for an unseen series with the reason; mask and exclude stay open', async () => {
    const unseen = item('1', false);
    const { state, recorded } = harness([unseen]);
    await state.load('in');
    state.drafts['1']!.burnedJustification = 'checked';
    expect(state.unseen(unseen)).toMatch(/JPEG 2000 could not be decoded.*mask or exclude/);
    expect(state.blocker(unseen, 'burned-in', 'pass')).toBe(state.unseen(unseen));
    await state.decide(unseen, 'burned-in', 'pass');
    expect(state.decisions['1']).toBeUndefined();
    expect(recorded).toEqual([]);
    expect(state.status).toMatch(/confirm only what was shown/);
    await state.decide(unseen, 'burned-in', 'exclude');
    expect(state.decisions['1']?.burnedIn?.action).toBe('exclude');
  });

  it('a shown series can be confirmed clean', async () => {
    const seen = item('2', true);
    const { state } = harness([seen]);
    await state.load('in');
    expect(state.unseen(seen)).toBe('');
    state.drafts['2']!.burnedJustification = 'no text on the picture';
    await state.decide(seen, 'burned-in', 'pass');
    expect(state.decisions['2']?.burnedIn?.action).toBe('pass');
  });

  it('apply to similar: pass reaches only series whose picture was shown', async () => {
    const items = [item('3', true), item('4', false), item('5', true)];
    const { state } = harness(items);
    await state.load('in');
    state.drafts['3']!.burnedJustification = 'same scanner, no text';
    await state.decideSimilar(items[0]!, 'burned-in', 'pass');
    expect(Object.keys(state.decisions).sort()).toEqual(['3', '5']);
    expect(state.status).toMatch(/1 similar series need their own answer/);
    // From the unseen series itself, pass is refused outright.
    state.drafts['4']!.burnedJustification = 'x';
    await state.decideSimilar(items[1]!, 'burned-in', 'pass');
    expect(state.decisions['4']).toBeUndefined();
  });

  it('a saved pass for a series not shown this time is dropped, and never sent to the run', async () => {
    const items = [item('6', false), item('7', true)];
    const { state } = harness(items, [
      ['6', pass()],
      ['7', pass()],
    ]);
    await state.load('in');
    expect(state.decisions['6']).toBeUndefined();
    expect(state.decisions['7']?.burnedIn?.action).toBe('pass');
    expect(state.status).toMatch(/1 series.*no picture.*answer again/);
    expect(state.forRun().map(([s]) => s)).toEqual(['7']);
    // Even a pass put into the state by other means does not reach the run.
    state.decisions = { ...state.decisions, '6': pass('someone') };
    expect(state.forRun().map(([s]) => s)).toEqual(['7']);
  });
});

// A decision shown as made must be one the audit trail holds: a reload while the entry was
// being written lost it (CI, deid-review.spec), so the answer is recorded first.
describe('DeidReviewState: an answer counts once the audit trail has it', () => {
  it('is not shown, counted or kept before its entry is recorded', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const seen = item('8', true);
    const { state, recorded, kept } = harness([seen], [], () => gate);
    await state.load('in');
    state.drafts['8']!.burnedJustification = 'operator text';
    const pending = state.decide(seen, 'burned-in', 'exclude');
    await Promise.resolve();
    await Promise.resolve();
    expect(state.decisions['8']).toBeUndefined();
    expect(state.summary).toBe('0 of 1 series decided');
    expect(kept).toEqual([]);
    // Meanwhile every button of the series waits, saying why.
    expect(state.blocker(seen, 'burned-in', 'exclude')).toMatch(/Recording the answer/);
    release();
    await pending;
    expect(recorded).toEqual(['8:exclude']);
    expect(state.decisions['8']?.burnedIn?.action).toBe('exclude');
    expect(state.summary).toBe('1 of 1 series decided');
    expect(kept.at(-1)?.map(([s]) => s)).toEqual(['8']);
    expect(state.blocker(seen, 'burned-in', 'exclude')).toBe('');
  });

  it('an answer the trail refuses is not applied, and the reason is shown', async () => {
    const seen = item('9', true);
    let refuse = true;
    const { state, kept } = harness([seen], [], async () => {
      if (refuse) throw new Error('Not recorded: this role may not review');
    });
    await state.load('in');
    state.drafts['9']!.burnedJustification = 'operator text';
    await state.decide(seen, 'burned-in', 'exclude');
    expect(state.decisions['9']).toBeUndefined();
    expect(kept).toEqual([]);
    expect(state.status).toMatch(/not decided, because the audit trail did not record it/);
    expect(state.status).toMatch(/this role may not review/);
    // A withdrawal the trail refuses leaves the decision standing.
    refuse = false;
    await state.decide(seen, 'burned-in', 'exclude');
    refuse = true;
    await state.withdraw(seen, 'burned-in');
    expect(state.decisions['9']?.burnedIn?.action).toBe('exclude');
    expect(state.status).toMatch(/not withdrawn/);
  });

  it('apply to similar stops at the first answer the trail refuses', async () => {
    const items = [item('10', true), item('11', true), item('12', true)];
    const { state, recorded } = harness(items, [], async (series) => {
      if (series === '11') throw new Error('disk full');
    });
    await state.load('in');
    state.drafts['10']!.burnedJustification = 'same worklist screen';
    await state.decideSimilar(items[0]!, 'burned-in', 'exclude');
    expect(recorded).toEqual(['10:exclude']);
    expect(Object.keys(state.decisions)).toEqual(['10']);
    expect(state.status).toMatch(/series 11: not decided.*disk full/);
  });
});
