// Series requirements and manual QC items in structured editors (QC-54): added, edited and
// removed through the same live validation as an import; each problem shown beside the field
// it concerns, in words; a requirement edited keeps its rules, manual items and selection, and
// a renamed one is renamed in the visit rules that name it.
import { describe, expect, it } from 'vitest';
import { draft, setup } from './draft-harness';
import { DEMO_PROTOCOL } from '../../../src/core/demo/protocol';
import { problemWords } from '../../../src/ui/state/problem-words';

describe('series requirements (QC-54)', () => {
  it('lists them in words, adds one, and says per field what is wrong', () => {
    const { qc, editor } = setup();
    const r = editor.requirementsEditor;
    expect(r.items.map((x) => [x.id, x.level])).toEqual(
      DEMO_PROTOCOL.series.map((s) => [s.id, s.modality]),
    );
    expect(r.items.find((x) => x.id === 'CT-CAP')?.words).toMatch(/^10 rule\(s\), 3 manual item/);
    r.startNew();
    expect(r.problems.byField).toEqual({
      id: ['give the requirement an ID'],
      title: ['give the requirement a title'],
    });
    Object.assign(r.form, { id: 'bad id!', title: 'Chest CT', modality: 'CT' });
    expect(r.problems.byField.id).toEqual([
      expect.stringMatching(/requirement ID is letters, digits, dots, dashes or underscores/),
    ]);
    expect(r.canSave).toBe(false);
    r.form.id = 'CT-CAP';
    expect(r.problems.byField.id).toEqual(['series requirement CT-CAP appears twice']);
    r.form.id = 'CT-CHEST';
    expect(r.canSave).toBe(true);
    expect(r.save()).toBe(true);
    expect(r.status).toBe('Series requirement CT-CHEST added in the draft.');
    expect(draft(qc).series.at(-1)).toEqual({
      id: 'CT-CHEST',
      modality: 'CT',
      title: 'Chest CT',
      rules: [],
    });
    expect(qc.problems).toEqual([]);
    // The rule editor can now put rules into it.
    expect(editor.requirements.map((s) => s.id)).toContain('CT-CHEST');
  });

  it('an edit keeps rules, manual items and selection; a rename follows into visit rules', () => {
    const { qc, editor } = setup();
    const r = editor.requirementsEditor;
    const before = draft(qc).series.find((s) => s.id === 'CT-CAP')!;
    r.edit('CT-CAP');
    expect(r.form).toEqual({ id: 'CT-CAP', modality: 'CT', title: before.title });
    Object.assign(r.form, { id: 'CT-CAP2', title: 'CT chest-abdomen-pelvis (portal venous)' });
    expect(r.save()).toBe(true);
    const after = draft(qc).series.find((s) => s.id === 'CT-CAP2')!;
    expect(after).toEqual({ ...before, id: 'CT-CAP2', title: r.items[1]!.text });
    expect(draft(qc).visits!.filter((v) => v.series === 'CT-CAP')).toEqual([]);
    expect(draft(qc).visits!.some((v) => v.series === 'CT-CAP2')).toBe(true);
    expect(qc.problems).toEqual([]);
    r.remove('CT-CAP2');
    expect(r.status).toBe('Series requirement CT-CAP2 removed from the draft.');
    // Visit rules still name it: the validator says so, in the draft's problems.
    expect(qc.problems.map((p) => p.code)).toContain('unknown-series');
    r.remove('nope');
    expect(r.status).toBe('Not removed: no series requirement is called nope.');
  });
});

describe('manual QC items (QC-54)', () => {
  it('adds, edits (moving between requirements) and removes; problems per field in words', () => {
    const { qc, editor } = setup();
    const m = editor.manual;
    expect(m.items.map((x) => [x.requirement, x.id])).toEqual(
      DEMO_PROTOCOL.series.flatMap((s) => (s.manual ?? []).map((x) => [s.id, x.id])),
    );
    const mrBefore = DEMO_PROTOCOL.series[2]!.manual!.length;
    m.startNew('PETCT-AC');
    Object.assign(m.form, { id: 'ctm-9', text: '' });
    // The validator names one problem at a time; each lands beside its field.
    expect(m.problems.byField).toEqual({
      id: [expect.stringMatching(/^an ID is capital letters or digits/)],
    });
    m.form.id = 'PTM-1';
    expect(m.problems.byField).toEqual({ text: ['text cannot be empty'] });
    Object.assign(m.form, { id: 'CTM-1', text: 'Whole body covered.' });
    expect(m.problems.byField.id).toEqual([expect.stringMatching(/^rule ID CTM-1 is also used/)]);
    m.form.id = 'PTM-1';
    expect(m.save()).toBe(true);
    expect(m.status).toBe('Manual item PTM-1 added in the draft.');
    expect(draft(qc).series[0]!.manual).toEqual([{ id: 'PTM-1', text: 'Whole body covered.' }]);

    m.edit('MRM-1');
    expect(m.form).toEqual({ requirement: 'MR-FLAIR', id: 'MRM-1', text: 'No motion artefact.' });
    m.form.requirement = 'PETCT-AC';
    expect(m.save()).toBe(true);
    expect(draft(qc).series[0]!.manual!.map((x) => x.id)).toEqual(['PTM-1', 'MRM-1']);
    expect(draft(qc).series[2]!.manual?.length ?? 0).toBe(mrBefore - 1);

    m.remove('PTM-1');
    m.remove('MRM-1');
    expect(draft(qc).series[0]!.manual).toBeUndefined();
    expect(m.status).toBe('Manual item MRM-1 removed from the draft.');
    expect(qc.problems).toEqual([]);
  });

  it('a draft that is not JSON takes no item, and says why', () => {
    const { qc, editor } = setup();
    qc.draft = '{';
    editor.manual.startNew('x');
    expect(editor.manual.problems.other).toEqual(['The draft is not valid JSON yet.']);
    expect(editor.manual.canSave).toBe(false);
  });
});

describe('validator problems in words', () => {
  it('schema messages become sentences; semantic ones are kept', () => {
    expect(
      problemWords({
        code: 'schema',
        path: '/series/0/rules/1/check/attribute',
        reason: 'must match pattern "^x"',
      }),
    ).toBe('an attribute is a DICOM keyword such as SliceThickness');
    expect(
      problemWords({
        code: 'schema',
        path: '/title',
        reason: 'must NOT have more than 1000 characters',
      }),
    ).toBe('title is longer than 1000 characters');
    expect(problemWords({ code: 'unsafe-regex', path: '/p', reason: 'nested quantifier' })).toBe(
      'nested quantifier',
    );
  });
});
