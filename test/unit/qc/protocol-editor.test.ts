// The protocol editor's state without a browser (QC-54): the draft's rules listed, a rule form
// checked live by the same validator as an import (duplicate ID, unsafe regex, unknown
// attribute, a number as text), add / edit / remove, an amendment as the next version and
// what the draft changes against the published version, in words.
import { describe, expect, it } from 'vitest';
import { draft, setup } from './draft-harness';
import { DEMO_PROTOCOL } from '../../../src/core/demo/protocol';
import type { Protocol } from '../../../src/core/protocol/types';

const ruleCount = (p: Protocol) => p.series.reduce((n, s) => n + s.rules.length, 0);
const firstReq = DEMO_PROTOCOL.series[0]!;
const firstRule = firstReq.rules[0]!;

describe('protocol editor state (QC-54)', () => {
  it('lists the draft rules in words', () => {
    const { editor } = setup();
    expect(editor.rules.length).toBe(ruleCount(DEMO_PROTOCOL));
    expect(editor.rules[0]).toMatchObject({ id: firstRule.id, requirement: firstReq.id });
    expect(editor.rules[0]!.words).not.toBe('');
  });

  it('refuses a rule the validator refuses, live, and leaves the draft alone', () => {
    const { qc, editor } = setup();
    const before = qc.draft;
    editor.startNew(firstReq.id);
    editor.form.id = firstRule.id;
    editor.form.text = 'Kernel named.';
    editor.form.kind = 'present';
    editor.form.attribute = 'ConvolutionKernel';
    expect(editor.preview.protocol.map((p) => p.code)).toEqual(['duplicate-rule-id']);
    expect(editor.canSave).toBe(false);

    editor.form.id = 'CT-90';
    editor.form.attribute = 'ConvolutionKernal';
    expect(editor.preview.protocol.map((p) => p.code)).toEqual(['unknown-attribute']);

    editor.form.kind = 'regex';
    editor.form.attribute = 'SeriesDescription';
    editor.form.pattern = '(a+)+$';
    expect(editor.preview.protocol.map((p) => p.code)).toEqual(['unsafe-regex']);

    editor.form.kind = 'range';
    editor.form.attribute = 'SliceThickness';
    editor.form.max = '5 mm';
    expect(editor.preview.form.map((p) => p.field)).toEqual(['max']);
    editor.form.max = '1';
    editor.form.min = '3';
    expect(editor.preview.protocol.map((p) => p.code)).toEqual(['impossible-range']);

    expect(editor.save()).toBe(false);
    expect(editor.status).toBe('Not saved: correct the rule first.');
    expect(qc.draft).toBe(before);
  });

  it('adds, edits and removes rules; the draft stays valid and says so', () => {
    const { qc, editor } = setup();
    editor.startNew(firstReq.id);
    Object.assign(editor.form, {
      id: 'CT-90',
      severity: 'minor',
      text: 'Tube voltage 100-140 kV.',
      source: 'demo',
      kind: 'range',
      attribute: 'KVP',
      min: '100',
      max: '140',
      unit: 'kV',
    });
    expect(editor.preview.protocol).toEqual([]);
    expect(editor.save()).toBe(true);
    expect(editor.status).toBe('CT-90 added in the draft.');
    expect(qc.problems).toEqual([]);
    expect(draft(qc).series[0]!.rules.at(-1)).toEqual({
      id: 'CT-90',
      severity: 'minor',
      text: 'Tube voltage 100-140 kV.',
      source: 'demo',
      check: { kind: 'range', attribute: 'KVP', min: 100, max: 140, unit: 'kV' },
    });

    editor.edit(firstRule.id);
    expect(editor.form.id).toBe(firstRule.id);
    editor.form.severity = firstRule.severity === 'major' ? 'minor' : 'major';
    expect(editor.save()).toBe(true);
    expect(draft(qc).series[0]!.rules[0]!.severity).toBe(editor.form.severity);
    expect(ruleCount(draft(qc))).toBe(ruleCount(DEMO_PROTOCOL) + 1);

    editor.remove('CT-90');
    expect(ruleCount(draft(qc))).toBe(ruleCount(DEMO_PROTOCOL));
    expect(editor.status).toBe('CT-90 removed from the draft.');
    expect(qc.protocolStatus).toMatch(/^Valid: /);
  });

  it('a draft that is not JSON cannot take a rule, and says why', () => {
    const { qc, editor } = setup();
    qc.draft = '{"series": [';
    editor.startNew('ct');
    expect(editor.preview.blocked).toBe('The draft is not valid JSON yet.');
    expect(editor.canSave).toBe(false);
  });

  it('an amendment starts from a published version as the next one; its changes in words', async () => {
    const { qc, editor } = setup();
    await qc.publishDraft();
    expect(qc.protocols.map((p) => p.key)).toEqual(['demo-onc-imaging@1']);
    // The normalisation table shown is the picked version's (QC-55).
    expect(qc.normalisation.length).toBeGreaterThan(0);
    expect(qc.normalisation.filter((r) => r.origin === 'study').length).toBe(
      Object.values(DEMO_PROTOCOL.normalisation ?? {}).reduce(
        (n, t) => n + Object.keys(t).length,
        0,
      ),
    );
    editor.amend('demo-onc-imaging@1', '2025-03-01');
    expect(draft(qc)).toMatchObject({ version: 2, effectiveDate: '2025-03-01' });
    expect(editor.changes?.against).toBe('demo-onc-imaging version 1');
    editor.remove(firstRule.id);
    expect(editor.changes?.list.map((c) => c.text)).toEqual([
      'effective date 2024-01-01 → 2025-03-01',
      expect.stringMatching(new RegExp(`^${firstRule.id} removed from ${firstReq.id}: `)),
    ]);
    await qc.publishDraft();
    expect(qc.protocolStatus).toBe('Published demo-onc-imaging version 2.');
  });
});
