// The QC view's state and the app's QC service, without a browser: publish (admin only,
// refused files apply nothing), QC runs with filters and counts, the per-subject versions,
// a second version, the human review as a qc.review entry (QC-7, QC-41, QC-48, QC-49).
import { describe, expect, it } from 'vitest';
import { MemoryIndexStore } from '../../../src/adapters/storage/memory-store';
import { QcService } from '../../../src/app/qc-service';
import { DEMO_PROTOCOL } from '../../../src/core/demo/protocol';
import type { ScanBatch } from '../../../src/core/ports/store';
import type { Json } from '../../../src/core/ledger/types';
import { qcAll, type CheckedValue, type QcSeriesInput } from '../../../src/core/qc/engine';
import { QcState } from '../../../src/ui/state/qc.svelte';
import type { NoCheckedValuesCode } from '../../../src/ui/state/qc-api';
import type { PublishedVersion } from '../../../src/core/ledger/protocol-order';
import { demoBatch, indexedDemo } from './demo-index';

async function harness(
  series: QcSeriesInput[],
  batch: ScanBatch,
  role: 'admin' | 'site' = 'admin',
  published?: () => PublishedVersion[],
) {
  const store = new MemoryIndexStore();
  await store.applyBatch(batch);
  const entries: Array<{ type: string; body: { [k: string]: Json } }> = [];
  const service = new QcService({
    store,
    check: async (protocols, inputs) => {
      // The service read the same series from the index that the indexer gives directly.
      expect(inputs.length).toBe(series.length);
      return qcAll(protocols, inputs);
    },
    record: async (type, body) => {
      if (type === 'protocol.publish' && role !== 'admin')
        throw new Error('only an admin may publish a protocol');
      entries.push({ type, body });
    },
    key: async () => new Uint8Array(32).fill(1),
    now: () => new Date('2024-06-01T00:00:00Z'),
    published,
  });
  return { state: new QcState(service), entries, store };
}

const demoText = () => `${JSON.stringify(DEMO_PROTOCOL, null, 2)}\n`;

describe('QC state and service', async () => {
  const series = await indexedDemo();
  const batch = await demoBatch();

  it('a refused file applies nothing; a valid one is published, stored and QC runs', async () => {
    const { state, entries } = await harness(series, batch);
    await state.load();
    state.draft = demoText().replace('"CT-2"', '"CT-1"');
    await state.publishDraft();
    expect(state.problems[0]?.code).toBe('duplicate-rule-id');
    expect(state.protocols).toEqual([]);
    expect(entries).toEqual([]);

    state.draft = demoText();
    await state.publishDraft();
    expect(state.protocolStatus).toBe('Published demo-onc-imaging version 1.');
    expect(entries.map((e) => e.type)).toEqual(['protocol.publish', 'qc.auto']);
    expect(state.counts).toMatchObject({ major: 4, minor: 0, 'not-checkable': 0 });
    expect(state.status).toMatch(/4 major, 0 minor, 0 not checkable/);
    state.filters.rule = 'CT-3';
    expect(state.filtered.length).toBe(1);
    state.filters = { status: 'major', site: '', modality: 'MR', rule: '', visit: '' };
    expect(state.filtered.map((r) => r.findings.map((f) => f.rule))).toEqual([['MR-2']]);
    // Completeness (QC-53): the series behind a number are listed.
    const row = state.run!.completeness!.find((r) => r.field === 'ContrastBolusAgent')!;
    state.completenessPick = { site: row.site, field: row.field, which: 'missing' };
    expect(state.completenessList.length).toBe(row.missing.length);
    expect(row.missing.length).toBeGreaterThan(0);
    state.completenessPick = { ...state.completenessPick, which: 'present' };
    expect(state.completenessList.length).toBe(row.present.length);
    expect(row.present.length).toBeGreaterThan(0);
  });

  it('a site member cannot publish; nothing is stored', async () => {
    const { state, store } = await harness(series, batch, 'site');
    state.draft = demoText();
    await state.publishDraft();
    expect(state.protocolStatus).toMatch(/^Not published: only an admin/);
    expect(await store.listProtocols()).toEqual([]);
  });

  it('a version a peer published (in the ledger, not stored here) is moved forward from (LEDGER-26)', async () => {
    const peer = { protocol: DEMO_PROTOCOL.id, version: 3, effectiveDate: '2024-05-01' };
    const { state, entries, store } = await harness(series, batch, 'admin', () => [peer]);
    await state.load();
    state.draft = demoText();
    await state.publishDraft();
    expect(state.problems[0]?.reason).toMatch(/version 1 is not newer than version 3/);
    expect(entries).toEqual([]);
    expect(await store.listProtocols()).toEqual([]);
    state.draft = JSON.stringify({ ...DEMO_PROTOCOL, version: 4, effectiveDate: '2024-05-01' });
    await state.publishDraft();
    expect(state.protocolStatus).toBe('Published demo-onc-imaging version 4.');
  });

  it('a second version applies from its date; the subject view says which applied; diff in words', async () => {
    const { state, entries } = await harness(series, batch);
    state.draft = demoText();
    await state.publishDraft();
    const v2 = { ...DEMO_PROTOCOL, version: 2, effectiveDate: '2024-04-15' };
    state.draft = JSON.stringify(v2);
    await state.publishDraft();
    expect(state.protocols.map((p) => p.key)).toEqual(['demo-onc-imaging@1', 'demo-onc-imaging@2']);
    const rows = state.subjectVisits;
    expect(rows.find((r) => r.visit === 'baseline' && r.studyDate < '20240415')?.version).toBe(1);
    expect(rows.find((r) => r.studyDate >= '20240415')?.version).toBe(2);
    expect(state.diff.map((c) => c.text)).toEqual(['effective date 2024-01-01 → 2024-04-15']);
    // Same id and version with other content: refused before anything is signed, in words
    // (LEDGER-26), and by the service itself if asked directly.
    state.draft = JSON.stringify({ ...v2, title: 'changed' });
    await state.publishDraft();
    expect(state.protocolStatus).toBe('Refused: 1 problem(s); nothing was applied.');
    expect(state.problems).toEqual([
      expect.objectContaining({ code: 'version-not-newer', path: '/version' }),
    ]);
    expect(state.problems[0]!.reason).toMatch(/version 2 is not newer than version 2/);
    expect(await state.api.publish(state.draft)).toMatchObject({ code: 'version-conflict' });
    // An older version, or the next one back-dated, is refused the same way; nothing is signed.
    const signed = entries.length;
    state.draft = JSON.stringify({ ...v2, version: 1, title: 'older' });
    await state.publishDraft();
    expect(state.problems.map((p) => p.code)).toEqual(['version-not-newer']);
    expect(await state.api.publish(state.draft)).toMatchObject({ code: 'version-conflict' });
    state.draft = JSON.stringify({ ...v2, version: 3, effectiveDate: '2024-04-14' });
    await state.publishDraft();
    expect(state.problems.map((p) => p.code)).toEqual(['effective-before-superseded']);
    expect(await state.api.publish(state.draft)).toMatchObject({
      problems: [expect.objectContaining({ code: 'effective-before-superseded' })],
    });
    expect(entries.length).toBe(signed);
  });

  it('a QC reviewer signs a fail with a reason: one qc.review entry, series by keyed hash', async () => {
    const { state, entries } = await harness(series, batch);
    state.draft = demoText();
    await state.publishDraft();
    const major = state.filtered.find((r) => r.status === 'major' && r.modality === 'CT')!;
    state.openReview(major.seriesInstanceUid);
    expect(Object.keys(state.ticks)).toEqual(['CTM-1', 'CTM-2', 'CTM-3']);
    state.verdict = 'fail';
    await state.signReview();
    expect(state.reviewStatus).toBe('Give a reason for the verdict.');
    state.reason = 'no contrast: the liver is not enhanced';
    state.ticks['CTM-2'] = true;
    await state.signReview();
    const review = entries.find((e) => e.type === 'qc.review')!;
    expect(review.body).toMatchObject({
      verdict: 'fail',
      version: 1,
      items: { 'CTM-1': false, 'CTM-2': true, 'CTM-3': false },
    });
    expect(review.body.series).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(entries)).not.toContain(major.seriesInstanceUid);
  });

  it('a passing series shows what each rule compared beside the file value, asked for once per run (QC-57)', async () => {
    const { state } = await harness(series, batch);
    state.draft = demoText();
    await state.publishDraft();
    // The whole run carries no values: they are asked for per series.
    expect(state.run!.series.some((r) => 'checked' in r)).toBe(false);
    const pass = state.filtered.find((r) => r.status === 'pass' && r.requirement === 'CT-CAP')!;
    const uid = pass.seriesInstanceUid;
    const loading = state.loadChecked(uid);
    expect(state.checked[uid]).toBe('loading');
    await loading;
    const values = state.checked[uid] as CheckedValue[];
    expect(values.map((c) => c.rule)).toEqual([
      'MAN-1',
      'MAN-2',
      'MAN-3',
      ...DEMO_PROTOCOL.series.find((s) => s.id === 'CT-CAP')!.rules.map((r) => r.id),
      ...(pass.visit === 'baseline' ? [] : ['V-3', 'V-4']),
    ]);
    expect(values.every((c) => c.outcome === 'pass')).toBe(true);
    expect(values.find((c) => c.rule === 'CT-8')).toMatchObject({
      what: 'ConvolutionKernel',
      value: 'soft',
      original: expect.stringMatching(/^(Br40|STANDARD)$/),
    });
    // A new run clears the answers; they are asked for again on view.
    await state.refresh();
    expect(state.checked).toEqual({});
    await state.loadChecked('no-such-series');
    expect(state.checked['no-such-series']).toMatchObject({ code: 'not-indexed' });
  });

  it('no values for a series come with a closed code: every NoCheckedValuesCode is reached', async () => {
    const reached = new Set<string>();
    const note = (a: unknown) => {
      if (a && typeof a === 'object' && 'code' in a) reached.add(String(a.code));
    };
    const { state, store } = await harness(series, batch);
    const uid = (await store.listSeries({}))[0]!.seriesInstanceUid;
    // Nothing published yet: no rule compares anything.
    await state.loadChecked(uid);
    note(state.checked[uid]);
    await state.loadChecked('no-such-series');
    note(state.checked['no-such-series']);
    // The series is indexed but has no instance left.
    const bare = new QcService({
      store: Object.assign(Object.create(store) as MemoryIndexStore, {
        listInstances: async () => [],
      }),
      check: async (p, i) => qcAll(p, i),
      record: async () => undefined,
      key: async () => new Uint8Array(32),
      now: () => new Date('2024-06-01T00:00:00Z'),
    });
    note(await bare.explain(uid));
    // The call itself fails.
    const broken = new QcState({
      explain: () => Promise.reject(new Error('worker gone')),
    } as unknown as QcService);
    await broken.loadChecked(uid);
    note(broken.checked[uid]);
    const all: Record<NoCheckedValuesCode, true> = {
      'not-indexed': true,
      'no-instance': true,
      'nothing-compared': true,
      'not-read': true,
    };
    expect([...reached].sort()).toEqual(Object.keys(all).sort());
  });
});
