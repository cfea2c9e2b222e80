// A series requirement's selection checks edited as data (QC-54): the same check form as a
// rule's, put, moved and removed by requirement and place in a copy of the draft's JSON; an
// emptied selection is left out; the result still goes through the validator.
import { describe, expect, it } from 'vitest';
import { DEMO_PROTOCOL } from '../../../src/core/demo/protocol';
import { checkOf, emptyCheckForm, type CheckForm } from '../../../src/core/protocol/edit';
import {
  emptySelectForm,
  parseSelectKey,
  putSelection,
  removeSelection,
  selectFormOf,
  selectionsOf,
  selectKey,
  selectOf,
} from '../../../src/core/protocol/edit-select';
import { checkProtocol } from '../../../src/core/protocol/validate';
import type { Check, Protocol } from '../../../src/core/protocol/types';

const demo = (): Protocol => structuredClone(DEMO_PROTOCOL);
const mr = (p: Protocol) => p.series.find((s) => s.id === 'MR-FLAIR')!;
const t1: Check = {
  kind: 'regex',
  attribute: 'SeriesDescription',
  pattern: 't1',
  ignoreCase: true,
};

describe('selection checks (QC-54)', () => {
  it('every shipped selection check survives form and back unchanged', () => {
    const shipped = DEMO_PROTOCOL.series.flatMap((s) => (s.select ?? []).map((c) => [s.id, c]));
    expect(shipped.length).toBeGreaterThan(0);
    for (const [req, c] of shipped as Array<[string, Check]>)
      expect(selectOf(selectFormOf(req, c))).toEqual({ ok: true, item: c });
  });

  it('builds a check with the rule form’s own builder, and names what is not yet a check', () => {
    const form: CheckForm = { ...emptyCheckForm(), kind: 'range', attribute: 'KVP', max: '120 kV' };
    const f = { ...emptySelectForm('CT-CAP'), ...form };
    expect(selectOf(f)).toEqual(checkOf(form));
    expect(selectOf(f)).toEqual({
      ok: false,
      problems: [{ field: 'max', reason: 'max “120 kV” is not a number' }],
    });
    expect(selectOf({ ...f, requirement: '' })).toEqual({
      ok: false,
      problems: [{ field: 'requirement', reason: 'choose a series requirement' }],
    });
  });

  it('keys name a requirement and a place, and parse back', () => {
    expect(selectKey('CT-CAP', 2)).toBe('CT-CAP#2');
    expect(parseSelectKey('CT-CAP#2')).toEqual({ requirement: 'CT-CAP', place: 2 });
    for (const bad of ['CT-CAP', 'CT-CAP#0', 'CT-CAP#x', '#1', 'CT-CAP#1.5'])
      expect(parseSelectKey(bad), bad).toBeNull();
  });

  it('lists, adds, replaces, moves and removes; the input is never touched', () => {
    const p = demo();
    const before = JSON.stringify(p);
    const listed = selectionsOf(p)!;
    expect(listed.map((s) => s.key)).toEqual(
      p.series.flatMap((s) => (s.select ?? []).map((_, i) => `${s.id}#${i + 1}`)),
    );
    expect(listed.find((s) => s.key === 'MR-FLAIR#1')?.check).toEqual(mr(p).select![0]);

    // Added at the end of the requirement's list; a requirement without one gets a list.
    const added = putSelection(p, 'MR-FLAIR', t1);
    expect(added.ok && mr(added.data as unknown as Protocol).select).toEqual([
      ...mr(p).select!,
      t1,
    ]);
    const noSelect = p.series.find((s) => !s.select)!;
    const fresh = putSelection(p, noSelect.id, t1);
    const got =
      fresh.ok && (fresh.data as unknown as Protocol).series.find((s) => s.id === noSelect.id);
    expect(got && got.select).toEqual([t1]);

    // Replaced in place.
    const replaced = putSelection(p, 'MR-FLAIR', t1, 'MR-FLAIR#1');
    expect(replaced.ok && mr(replaced.data as unknown as Protocol).select).toEqual([t1]);

    // Moved: out of MR-FLAIR (whose emptied list is left out) into the other requirement.
    const moved = putSelection(p, noSelect.id, t1, 'MR-FLAIR#1');
    expect(moved.ok).toBe(true);
    const m = moved.ok ? (moved.data as unknown as Protocol) : p;
    expect(mr(m).select).toBeUndefined();
    expect('select' in mr(m)).toBe(false);
    expect(m.series.find((s) => s.id === noSelect.id)!.select).toEqual([t1]);

    const removed = removeSelection(p, 'MR-FLAIR#1');
    expect(removed.ok && 'select' in mr(removed.data as unknown as Protocol)).toBe(false);
    expect(removed.ok && checkProtocol(removed.data).ok).toBe(true);
    expect(JSON.stringify(p)).toBe(before);
  });

  it('says why when the requirement or the check is not there', () => {
    const p = demo();
    expect(putSelection(p, 'NOPE', t1)).toEqual({
      ok: false,
      reason: 'no series requirement is called NOPE',
    });
    expect(putSelection(p, 'MR-FLAIR', t1, 'MR-FLAIR#9')).toEqual({
      ok: false,
      reason: 'no selection check MR-FLAIR#9 in the draft',
    });
    expect(removeSelection(p, 'MR-FLAIR#9').ok).toBe(false);
    expect(removeSelection(p, 'garbage').ok).toBe(false);
    expect(putSelection({ series: 3 }, 'MR-FLAIR', t1)).toEqual({
      ok: false,
      reason: 'the draft has no series list',
    });
    expect(selectionsOf('x')).toBeNull();
  });
});
