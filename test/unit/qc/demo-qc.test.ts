// QC-45: the demo archive's planted deviations are flagged exactly: no false positive on a
// conforming series, no deviation missed, each with exactly its expected rules.
import { describe, expect, it } from 'vitest';
import { demoPlan } from '../../../src/core/demo/archive';
import { DEMO_PROTOCOL, demoQcExpectations } from '../../../src/core/demo/protocol';
import { checkProtocol } from '../../../src/core/protocol/validate';
import { qcAll } from '../../../src/core/qc/engine';
import { indexedDemo } from './demo-index';

describe('QC of the generated demo archive (QC-45)', () => {
  it('the demo protocol is a valid protocol file', () => {
    const r = checkProtocol(JSON.parse(JSON.stringify(DEMO_PROTOCOL)));
    expect(r.ok ? [] : r.problems).toEqual([]);
  });

  it('flags exactly the planted deviations, with exactly their rules', async () => {
    const series = await indexedDemo();
    const { series: results, visits } = qcAll([DEMO_PROTOCOL], series);
    const expected = demoQcExpectations(demoPlan());
    expect(expected.length).toBe(4);
    const flagged = results
      .filter((r) => r.status !== 'pass')
      .map((r) => ({
        uid: r.seriesInstanceUid,
        status: r.status,
        rules: [...new Set(r.findings.map((f) => f.rule))].sort(),
      }))
      .sort((a, b) => a.uid.localeCompare(b.uid));
    const want = expected
      .map((e) => ({ uid: e.seriesInstanceUid, status: e.status, rules: e.rules }))
      .sort((a, b) => a.uid.localeCompare(b.uid));
    expect(flagged).toEqual(want);
    expect(results.length).toBe(series.length);
    expect(results.every((r) => r.protocolVersion === 1)).toBe(true);
    expect(visits.flatMap((v) => v.findings)).toEqual([]);
  });
});
