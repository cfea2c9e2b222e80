// The subject timeline joins acquisitions and entries in time order with the gaps between
// steps; audit values read as words, not JSON (issue 11).
import { describe, expect, it } from 'vitest';
import { buildTimeline, span, stepGaps, verificationSummary } from '../../../src/ui/shell/timeline';
import { valueWords } from '../../../src/ui/format/values';
import type { AuditRow } from '../../../src/ui/state/ledger-api';

function row(
  id: string,
  utc: string,
  summary: string,
  role: AuditRow['role'] = 'site',
  type = 'x',
): AuditRow {
  return {
    id,
    seq: 1,
    author: 'k',
    authorName: 'Sam',
    role,
    utc,
    type,
    summary,
    subject: 'TB-1',
    previous: undefined,
    next: undefined,
    reason: null,
    entry: {
      v: 1,
      study: '',
      author: 'k',
      seq: 1,
      prev: null,
      deps: [],
      ts: { ms: Date.parse(utc), c: 0 },
      type,
      body: {},
      sig: '',
    },
  };
}

describe('subject timeline', () => {
  const lines = buildTimeline(
    [
      row('h2', '2024-03-07T14:10:00.000Z', 'de-identified'),
      row('h1', '2024-03-05T10:00:00.000Z', 'indexed', 'admin'),
    ],
    [{ utc: '2024-03-05', what: 'acquired CT series 1' }],
    (utc) => `local ${utc}`,
  );

  it('orders acquisitions and entries in time, with who, role, local time and hash', () => {
    expect(lines.map((l) => l.what)).toEqual(['acquired CT series 1', 'indexed', 'de-identified']);
    expect(lines.map((l) => l.hash)).toEqual([null, 'h1', 'h2']);
    expect(lines[1]).toMatchObject({
      who: 'Sam',
      role: 'admin',
      local: 'local 2024-03-05T10:00:00.000Z',
    });
    expect(lines[0]!.local).toBe('2024-03-05');
  });

  it('says the time between steps and from acquisition to the last step', () => {
    expect(lines.map((l) => l.sincePrevious)).toEqual([null, '10 h', '2 d 4 h']);
    expect(span(lines)).toBe('acquired -> last step: 2 d 14 h');
  });

  it('summarises what the printout cites', () => {
    expect(verificationSummary(lines, { name: 'T', entries: 9, quarantined: 1 })).toMatch(
      /^2 ledger entries cited, .* 9 accepted entries and 1 in quarantine/,
    );
  });
});

describe('time between steps', () => {
  it('names each step at its first line, in the order reached, and acquisition to the last', () => {
    const lines = buildTimeline(
      [
        row('h1', '2024-05-01T08:00:00.000Z', 'opened', 'admin', 'folder.open'),
        row('h2', '2024-05-01T09:30:00.000Z', 'rescanned', 'admin', 'folder.scan'),
        row('h3', '2024-05-03T12:00:00.000Z', 'reviewed', 'admin', 'deid.review'),
        row('h4', '2024-05-03T12:20:00.000Z', 'renamed', 'admin', 'member.rename'),
        row('h5', '2024-05-03T16:00:00.000Z', 'run', 'site', 'deid.run'),
      ],
      [{ utc: '2024-04-29', what: 'acquired CT' }],
      (utc) => utc,
    );
    expect(lines.map((l) => l.step)).toEqual([
      'acquired',
      'indexed',
      'indexed',
      'reviewed for de-identification',
      null,
      'de-identified',
    ]);
    expect(stepGaps(lines)).toEqual([
      'acquired -> indexed: 2 d 8 h',
      'indexed -> reviewed for de-identification: 2 d 4 h',
      'reviewed for de-identification -> de-identified: 4 h',
      'acquired -> de-identified: 4 d 16 h',
    ]);
    expect(stepGaps(lines.slice(0, 2))).toEqual(['acquired -> indexed: 2 d 8 h']);
    expect(stepGaps([])).toEqual([]);
  });
});

describe('values in words', () => {
  it('renders objects, arrays and nothing without JSON', () => {
    expect(valueWords({ role: 'reader', site: null })).toBe('role reader, site none');
    expect(valueWords({ files: 3, instances: 2 })).toBe('3 files, 2 instances');
    expect(valueWords(['ws://a', 'ws://b'])).toBe('ws://a, ws://b');
    expect(valueWords([])).toBe('none');
    expect(valueWords(undefined)).toBe('');
    expect(valueWords({ keyFingerprint: 'ab' })).toBe('key fingerprint ab');
    for (const v of [{ a: { b: 1 } }, [{ x: 1 }], { role: 'r' }])
      expect(valueWords(v)).not.toMatch(/[{}"[\]]/);
  });
});
