// The protocol editor beyond series rules, without a browser (QC-54, QC-56): visit rules and
// mandatory fields added, edited and removed with live validation, the header and
// normalisation entries edited in place, an effective date before the superseded version's
// refused with its code (live, at publish, and by the service itself), and an amendment's
// changes in words.
import { describe, expect, it } from 'vitest';
import { draft, setup } from './draft-harness';
import { DEMO_PROTOCOL } from '../../../src/core/demo/protocol';

const codes = (ps: Array<{ code: string }>) => ps.map((p) => p.code);

describe('visit rules in the editor (QC-54, QC-58)', () => {
  it('lists the draft visit rules in words', () => {
    const { editor } = setup();
    const v = editor.visits;
    expect(v.items.map((r) => r.id)).toEqual(DEMO_PROTOCOL.visits!.map((x) => x.id));
    expect(v.items[0]).toEqual({
      id: 'V-1',
      level: 'major',
      words: 'baseline visit contains CT-CAP',
      text: DEMO_PROTOCOL.visits![0]!.text,
    });
  });

  it('checks a visit rule as it is typed: each refusal named, nothing saved', () => {
    const { qc, editor } = setup();
    const v = editor.visits;
    const before = qc.draft;
    v.startNew('CT-CAP');
    Object.assign(v.form, { id: 'V-1', text: 'Follow-up 6-10 weeks.', kind: 'window' });
    v.form.minDays = 'six weeks';
    expect(v.preview.form.map((p) => [p.field, p.reason])).toEqual([
      ['minDays', 'first day “six weeks” is not a whole number of days'],
    ]);
    v.form.minDays = '';
    expect(codes(v.preview.protocol)).toEqual(['duplicate-rule-id', 'impossible-range']);
    v.form.id = 'V-9';
    v.form.minDays = '70';
    v.form.maxDays = '42';
    expect(v.preview.protocol).toEqual([
      expect.objectContaining({ code: 'impossible-range', reason: 'day 70 is after day 42' }),
    ]);
    v.form.kind = 'requires';
    v.form.series = 'CT-NOPE';
    expect(codes(v.preview.protocol)).toEqual(['unknown-series']);
    v.form.kind = 'comparable';
    v.form.series = 'CT-CAP';
    v.form.attribute = 'SliceThicknes';
    expect(codes(v.preview.protocol)).toEqual(['unknown-attribute']);
    v.form.attribute = '';
    expect(codes(v.preview.protocol)).toEqual(['schema']);
    expect(v.canSave).toBe(false);
    expect(v.save()).toBe(false);
    expect(v.status).toBe('Not saved: correct the visit rule first.');
    expect(qc.draft).toBe(before);
  });

  it('adds a window, edits it, removes it; the draft stays valid', () => {
    const { qc, editor } = setup();
    const v = editor.visits;
    v.startNew('CT-CAP');
    Object.assign(v.form, {
      id: 'V-9',
      severity: 'minor',
      text: 'First follow-up 6 to 10 weeks after baseline.',
      source: 'demo schedule',
      visit: 'followup',
      kind: 'window',
      // Fields the kind does not use are not written.
      series: 'CT-CAP',
      minDays: '42',
      maxDays: '70',
    });
    expect(v.canSave).toBe(true);
    expect(v.save()).toBe(true);
    expect(v.status).toBe('Visit rule V-9 added in the draft.');
    expect(draft(qc).visits!.at(-1)).toEqual({
      id: 'V-9',
      severity: 'minor',
      text: 'First follow-up 6 to 10 weeks after baseline.',
      source: 'demo schedule',
      visit: 'followup',
      kind: 'window',
      minDays: 42,
      maxDays: 70,
    });
    expect(qc.protocolStatus).toMatch(/^Valid: /);

    v.edit('V-9');
    expect(v.form).toMatchObject({ kind: 'window', minDays: '42', maxDays: '70' });
    v.form.maxDays = '84';
    expect(v.save()).toBe(true);
    expect(v.status).toBe('Visit rule V-9 changed in the draft.');
    expect(draft(qc).visits!.at(-1)!.maxDays).toBe(84);
    expect(draft(qc).visits!.length).toBe(DEMO_PROTOCOL.visits!.length + 1);

    // An existing series rule of a visit edited in place, into another series.
    v.edit('V-2');
    v.form.series = 'CT-CAP';
    expect(v.save()).toBe(true);
    expect(draft(qc).visits![1]).toMatchObject({ id: 'V-2', series: 'CT-CAP' });

    v.remove('V-9');
    expect(v.status).toBe('Visit rule V-9 removed from the draft.');
    expect(draft(qc).visits!.map((x) => x.id)).toEqual(['V-1', 'V-2', 'V-3', 'V-4']);
    v.remove('V-9');
    expect(v.status).toBe('Not removed: no visit rule is called V-9.');
  });
});

describe('mandatory fields in the editor (QC-54)', () => {
  it('adds, refuses, changes and removes a mandatory field', () => {
    const { qc, editor } = setup();
    const m = editor.mandatory;
    expect(m.items.map((x) => [x.id, x.level, x.words])).toEqual([
      ['MAN-1', 'reject', 'PatientID is filled'],
      ['MAN-2', 'flag', 'StudyDate is filled'],
      ['MAN-3', 'flag', 'SeriesDescription is filled'],
    ]);
    m.startNew();
    Object.assign(m.form, { id: 'MAN-3', attribute: 'ClinicalTrialTimePointId', text: 'x' });
    expect(codes(m.preview.protocol).sort()).toEqual(['duplicate-rule-id', 'unknown-attribute']);
    Object.assign(m.form, { id: 'MAN-4', attribute: 'ClinicalTrialTimePointID', text: '' });
    expect(codes(m.preview.protocol)).toEqual(['schema']);
    m.form.text = 'Every file names its time point.';
    expect(m.save()).toBe(true);
    expect(m.status).toBe('Mandatory field MAN-4 added in the draft.');
    expect(draft(qc).mandatory!.at(-1)).toEqual({
      id: 'MAN-4',
      attribute: 'ClinicalTrialTimePointID',
      action: 'flag',
      text: 'Every file names its time point.',
    });
    m.edit('MAN-2');
    m.form.action = 'reject';
    expect(m.save()).toBe(true);
    expect(draft(qc).mandatory![1]!.action).toBe('reject');
    for (const id of ['MAN-1', 'MAN-2', 'MAN-3', 'MAN-4']) m.remove(id);
    // An empty optional list is left out of the file.
    expect('mandatory' in draft(qc)).toBe(false);
    expect(m.items).toEqual([]);
    expect(qc.protocolStatus).toMatch(/^Valid: /);
  });

  it('a draft that is not JSON takes no item, and says why', () => {
    const { qc, editor } = setup();
    qc.draft = '{"mandatory": [';
    editor.mandatory.startNew();
    expect(editor.mandatory.preview.blocked).toBe('The draft is not valid JSON yet.');
    qc.draft = '{"visits": 3}';
    expect(editor.visits.preview.blocked).toBe("The draft's visits is not a list.");
  });
});

describe('header and normalisation entries (QC-54)', () => {
  it('title, source and URL go into the draft; a URL left blank is left out', () => {
    const { qc, editor } = setup();
    const h = editor.header;
    h.set({ title: 'Demo trial, amended', citation: 'Amendment 1', url: 'https://example.org' });
    expect(draft(qc)).toMatchObject({
      title: 'Demo trial, amended',
      source: { citation: 'Amendment 1', url: 'https://example.org' },
    });
    h.set({ url: 'http://insecure.example' });
    expect(h.problems.map((p) => [p.code, p.path])).toEqual([['schema', '/source/url']]);
    h.set({ url: '' });
    expect(draft(qc).source).toEqual({ citation: 'Amendment 1' });
    expect(h.header).toEqual({
      title: 'Demo trial, amended',
      effectiveDate: DEMO_PROTOCOL.effectiveDate,
      citation: 'Amendment 1',
      url: '',
    });
  });

  it('adds and removes a normalisation entry, checked first', () => {
    const { qc, editor } = setup();
    const h = editor.header;
    expect(h.entryProblems).toEqual(['Type the vendor value and what it is read as.']);
    h.entry = { table: 'manufacturer', key: 'ACME MED', value: 'x'.repeat(65) };
    expect(h.entryProblems).toEqual([expect.stringMatching(/^\/normalisation\/manufacturer/)]);
    expect(h.addEntry()).toBe(false);
    h.entry.value = 'Acme';
    expect(h.addEntry()).toBe(true);
    expect(h.status).toBe('manufacturer entry “ACME MED” is read as Acme in the draft.');
    expect(draft(qc).normalisation!.manufacturer!['ACME MED']).toBe('Acme');
    expect(h.synonyms).toContainEqual({ table: 'manufacturer', key: 'ACME MED', value: 'Acme' });
    h.removeEntry('manufacturer', 'ACME MED');
    expect(draft(qc).normalisation?.manufacturer?.['ACME MED']).toBeUndefined();
    h.removeEntry('manufacturer', 'ACME MED');
    expect(h.status).toBe('Not removed: the manufacturer table has no entry “ACME MED”.');
  });
});

describe('an effective date before the superseded version is refused (QC-56)', () => {
  it('live in the draft, at publish, and by the service itself', async () => {
    const { qc, service, editor } = setup();
    await qc.publishDraft();
    editor.amend('demo-onc-imaging@1', '2025-03-01');
    await qc.publishDraft();
    expect(qc.protocolStatus).toBe('Published demo-onc-imaging version 2.');

    // Amending version 1 again starts version 3, from version 2's date at the earliest.
    editor.amend('demo-onc-imaging@1', '2024-02-01');
    expect(draft(qc)).toMatchObject({ version: 3, effectiveDate: '2025-03-01' });
    expect(qc.problems).toEqual([]);
    editor.header.set({ effectiveDate: '2025-02-28' });
    expect(qc.problems).toEqual([
      {
        code: 'effective-before-superseded',
        path: '/effectiveDate',
        reason:
          'effective 2025-02-28 is before 2025-03-01, when version 2 (which this version supersedes) took effect; choose 2025-03-01 or later',
      },
    ]);
    expect(editor.header.problems.map((p) => p.code)).toEqual(['effective-before-superseded']);
    expect(qc.protocolStatus).toBe('Refused: 1 problem(s); nothing was applied.');
    const text = qc.draft;
    await qc.publishDraft();
    expect(qc.protocols.map((p) => p.key)).toEqual(['demo-onc-imaging@1', 'demo-onc-imaging@2']);

    // The service refuses it too, whatever a view said.
    const direct = await service.publish(text);
    expect(direct).toEqual({
      ok: false,
      problems: [expect.objectContaining({ code: 'effective-before-superseded' })],
    });

    editor.header.set({ effectiveDate: '2025-03-01' });
    expect(qc.problems).toEqual([]);
    await qc.publishDraft();
    expect(qc.protocolStatus).toBe('Published demo-onc-imaging version 3.');
  });
});

describe("an amendment's changes in words (QC-50, QC-54)", () => {
  it('names visit rules, mandatory fields, source and normalisation changes', async () => {
    const { qc, editor } = setup();
    await qc.publishDraft();
    editor.amend('demo-onc-imaging@1', '2025-03-01');
    editor.header.set({ citation: 'Amendment 1' });
    editor.mandatory.edit('MAN-2');
    editor.mandatory.form.action = 'reject';
    editor.mandatory.save();
    editor.visits.edit('V-3');
    editor.visits.form.tolerance = '1';
    editor.visits.save();
    editor.header.entry = { table: 'kernel', key: 'FC07', value: 'soft' };
    editor.header.addEntry();
    expect(editor.changes?.against).toBe('demo-onc-imaging version 1');
    expect(editor.changes?.list.map((c) => c.text)).toEqual([
      'effective date 2024-01-01 → 2025-03-01',
      `source citation “${DEMO_PROTOCOL.source.citation}” → “Amendment 1”`,
      'mandatory field MAN-2 changed: action flag → reject',
      'visit rule V-3 changed: CT-CAP SliceThickness as at baseline (± 0.5) → CT-CAP SliceThickness as at baseline (± 1)',
      'normalisation kernel entry “FC07” added (read as soft)',
    ]);
  });
});
