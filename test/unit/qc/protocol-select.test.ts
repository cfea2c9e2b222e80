// A series requirement's selection checks in the structured editor (QC-54): listed in words,
// added, edited, moved and removed through the same live validation as an import, each
// problem beside the field it concerns, in words; and once published, QC applies the
// requirement only to the series its selection picks.
import { describe, expect, it } from 'vitest';
import { MemoryIndexStore } from '../../../src/adapters/storage/memory-store';
import { QcService } from '../../../src/app/qc-service';
import { DEMO_PROTOCOL } from '../../../src/core/demo/protocol';
import { qcAll } from '../../../src/core/qc/engine';
import { QcState } from '../../../src/ui/state/qc.svelte';
import { draft, setup } from './draft-harness';
import { demoBatch } from './demo-index';

const selectOf = (qc: QcState, id: string) => draft(qc).series.find((s) => s.id === id)!.select;

describe('selection checks of a series requirement (QC-54)', () => {
  it('lists the draft’s selection checks in words, each named by requirement and place', () => {
    const { editor } = setup();
    const rows = editor.selection.items;
    expect(rows.map((r) => r.id)).toEqual(
      DEMO_PROTOCOL.series.flatMap((s) => (s.select ?? []).map((_, i) => `${s.id}#${i + 1}`)),
    );
    expect(rows.find((r) => r.id === 'MR-FLAIR#1')).toMatchObject({
      name: 'selection check 1 of MR-FLAIR',
      requirement: 'MR-FLAIR',
      words: 'SeriesDescription matches /flair|dark.?fluid/i',
    });
  });

  it('checks the form live with the rule form’s check kinds; problems beside their fields', () => {
    const { qc, editor } = setup();
    const before = qc.draft;
    const s = editor.selection;
    s.startNew('CT-CAP');
    expect(s.form).toMatchObject({ requirement: 'CT-CAP', kind: 'present', attribute: '' });
    // The schema refuses an empty keyword; said as what to type.
    expect(s.problems.byField.attribute).toEqual([
      'an attribute is a DICOM keyword such as SliceThickness',
    ]);
    s.form.attribute = 'ContrastBolusAgnt';
    expect(s.problems.byField.attribute).toEqual([
      'ContrastBolusAgnt is not a DICOM attribute keyword',
    ]);
    Object.assign(s.form, { kind: 'regex', attribute: 'SeriesDescription', pattern: '(a+)+$' });
    expect(s.problems.byField.pattern).toEqual([
      'a repeated group contains a repetition or alternation',
    ]);
    Object.assign(s.form, { kind: 'range', attribute: 'SliceThickness', max: '5 mm' });
    expect(s.problems.byField.max).toEqual(['max “5 mm” is not a number']);
    Object.assign(s.form, { max: '3', min: '5' });
    expect(s.problems.byField.min).toEqual(['min 5 is above max 3']);
    expect(s.canSave).toBe(false);
    expect(s.save()).toBe(false);
    expect(s.status).toBe('Not saved: correct the selection check first.');
    expect(qc.draft).toBe(before);
    s.form.requirement = '';
    expect(s.problems.byField.requirement).toEqual(['choose a series requirement']);
  });

  it('adds, edits, moves and removes; the draft stays valid and says so', () => {
    const { qc, editor } = setup();
    const s = editor.selection;
    s.startNew('CT-CAP');
    Object.assign(s.form, {
      kind: 'oneOf',
      attribute: 'BodyPartExamined',
      value: 'CHEST, ABDOMEN',
    });
    expect(s.canSave).toBe(true);
    expect(s.save()).toBe(true);
    expect(s.status).toBe('Selection check of CT-CAP added in the draft.');
    expect(selectOf(qc, 'CT-CAP')).toEqual([
      { kind: 'oneOf', attribute: 'BodyPartExamined', values: ['CHEST', 'ABDOMEN'] },
    ]);
    expect(s.items.find((r) => r.id === 'CT-CAP#1')?.words).toBe(
      'BodyPartExamined is one of CHEST, ABDOMEN',
    );
    expect(qc.problems).toEqual([]);
    // The requirement's row says which series it now applies to.
    expect(editor.requirementsEditor.items.find((r) => r.id === 'CT-CAP')?.words).toMatch(
      /applies to series where BodyPartExamined is one of CHEST, ABDOMEN$/,
    );

    s.edit('MR-FLAIR#1');
    expect(s.form).toMatchObject({
      requirement: 'MR-FLAIR',
      kind: 'regex',
      attribute: 'SeriesDescription',
      pattern: 'flair|dark.?fluid',
      ignoreCase: true,
    });
    s.form.ignoreCase = false;
    expect(s.save()).toBe(true);
    expect(s.status).toBe('Selection check of MR-FLAIR changed in the draft.');
    expect(selectOf(qc, 'MR-FLAIR')).toEqual([
      { kind: 'regex', attribute: 'SeriesDescription', pattern: 'flair|dark.?fluid' },
    ]);

    // Moved to another requirement: the emptied selection is left out of the file.
    s.edit('MR-FLAIR#1');
    s.form.requirement = 'CT-CAP';
    expect(s.save()).toBe(true);
    expect(selectOf(qc, 'MR-FLAIR')).toBeUndefined();
    expect(selectOf(qc, 'CT-CAP')).toHaveLength(2);

    // Places shift when one before them goes: an open form is closed rather than left
    // pointing at the check that moved up.
    s.edit('CT-CAP#2');
    s.remove('CT-CAP#1');
    expect(s.status).toBe('Selection check 1 of CT-CAP removed from the draft.');
    expect(s.open).toBe(false);
    expect(selectOf(qc, 'CT-CAP')).toEqual([
      { kind: 'regex', attribute: 'SeriesDescription', pattern: 'flair|dark.?fluid' },
    ]);
    s.remove('CT-CAP#1');
    expect(selectOf(qc, 'CT-CAP')).toBeUndefined();
    s.remove('CT-CAP#1');
    expect(s.status).toBe('Not removed: no selection check CT-CAP#1 in the draft.');
    expect(qc.problems).toEqual([]);
  });

  it('published, the narrowed selection decides which series QC checks against the requirement', async () => {
    const store = new MemoryIndexStore();
    await store.applyBatch(await demoBatch());
    const qc = new QcState(
      new QcService({
        store,
        check: async (protocols, inputs) => qcAll(protocols, inputs),
        record: async () => undefined,
        key: async () => new Uint8Array(32).fill(1),
        now: () => new Date('2024-06-01T00:00:00Z'),
      }),
    );
    await qc.load();
    qc.draft = `${JSON.stringify(DEMO_PROTOCOL, null, 2)}\n`;
    qc.validateDraft();
    const s = qc.editor.selection;
    s.startNew('CT-CAP');
    // The demo's CT CAP series are portal-venous ("CAP_ven_5mm"): an arterial-only
    // requirement no longer applies to them.
    Object.assign(s.form, {
      kind: 'regex',
      attribute: 'SeriesDescription',
      pattern: 'arterial',
      ignoreCase: true,
    });
    expect(s.save()).toBe(true);
    await qc.publishDraft();
    expect(qc.protocolStatus).toBe('Published demo-onc-imaging version 1.');
    const series = qc.run!.series;
    expect(series.filter((r) => r.requirement === 'CT-CAP')).toEqual([]);
    const outside = series.filter((r) => r.requirement === null);
    expect(outside.length).toBeGreaterThan(0);
    for (const r of outside)
      expect(r.findings.map((f) => [f.outcome, f.text])).toContainEqual([
        'not-checkable',
        'no CT series requirement of demo-onc-imaging v1 applies to this series',
      ]);
    // Every other requirement still takes its series.
    expect(new Set(series.map((r) => r.requirement))).toEqual(
      new Set([null, 'MR-FLAIR', 'MR-T1C', 'PETCT-AC', 'PET-WB']),
    );
  });
});
