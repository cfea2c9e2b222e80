// QC-48: protocol.publish (admin only), qc.auto and qc.review (QC reviewer or admin) pass the
// ledger policy, and name series only by keyed hash: no UID, no patient value in the body.
import { describe, expect, it } from 'vitest';
import { DEMO_PROTOCOL } from '../../../src/core/demo/protocol';
import { bodyProblem, mayAuthor } from '../../../src/core/ledger/policy';
import {
  protocolPublishBody,
  qcAutoBody,
  qcReviewBody,
  seriesRef,
} from '../../../src/core/qc/ledger';
import { qcAll } from '../../../src/core/qc/engine';
import { indexedDemo } from './demo-index';

const key = new Uint8Array(32).fill(7);

describe('QC ledger entries (QC-48)', () => {
  it('who may author what', () => {
    expect(mayAuthor('protocol.publish', 'admin')).toBe(true);
    expect(mayAuthor('protocol.publish', 'site')).toBe(false);
    expect(mayAuthor('qc.review', 'qc')).toBe(true);
    expect(mayAuthor('qc.review', 'admin')).toBe(true);
    expect(mayAuthor('qc.review', 'site')).toBe(false);
    expect(mayAuthor('qc.review', 'reader')).toBe(false);
    expect(mayAuthor('qc.auto', 'site')).toBe(true);
  });

  it('bodies have the policy shape and carry no UID or identifying value', async () => {
    const series = await indexedDemo();
    const { series: results } = qcAll([DEMO_PROTOCOL], series);
    // The app adds the subjects by keyed reference (src/app/subjects.ts, issue 11 §2).
    const auto = qcAutoBody(key, results);
    expect(bodyProblem('qc.auto', { ...auto, subjects: ['TB-7K3Q9Z'] })).toBeNull();
    expect(auto.counts).toEqual({
      pass: results.length - 4,
      minor: 0,
      major: 4,
      notCheckable: 0,
      rejected: 0,
    });
    const review = {
      subject: 'TB-7K3Q9Z',
      ...qcReviewBody(key, {
        seriesInstanceUid: results[0]!.seriesInstanceUid,
        protocol: 'demo-onc-imaging',
        version: 1,
        verdict: 'fail',
        reason: 'motion over the liver',
        items: { 'CTM-1': true, 'CTM-2': false },
      }),
    };
    expect(bodyProblem('qc.review', review)).toBeNull();
    const publish = protocolPublishBody(DEMO_PROTOCOL, 'f'.repeat(64));
    expect(bodyProblem('protocol.publish', publish)).toBeNull();
    const text = JSON.stringify([auto, review]);
    for (const s of series) {
      expect(text).not.toContain(s.seriesInstanceUid);
      expect(text).not.toContain(s.patientId);
    }
    expect(text).toContain(seriesRef(key, results[0]!.seriesInstanceUid));
  });

  it('malformed bodies are refused', () => {
    const review = qcReviewBody(key, {
      seriesInstanceUid: '1.2.3',
      protocol: 'p',
      version: 1,
      verdict: 'fail',
      reason: 'x',
      items: {},
    });
    expect(bodyProblem('qc.review', { ...review, series: '1.2.3' })).toMatch(/series/);
    expect(bodyProblem('qc.review', { ...review, reason: '  ' })).toMatch(/reason/);
    expect(bodyProblem('qc.review', { ...review, verdict: 'maybe' })).toMatch(/verdict/);
    expect(
      bodyProblem('qc.auto', {
        protocol: 'p',
        versions: [1],
        counts: {},
        deviations: [{ series: '1.2.3', status: 'major', version: 1, rules: [] }],
        unlisted: 0,
      }),
    ).toMatch(/deviations/);
    expect(
      bodyProblem('protocol.publish', { ...protocolPublishBody(DEMO_PROTOCOL, 'x'), sha256: 'x' }),
    ).toMatch(/sha256/);
  });
});
