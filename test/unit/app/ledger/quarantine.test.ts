// Quarantine rows: stored evidence is capped, each rule is cited once, and a row that is
// both stored and live shows once.
import { describe, expect, it } from 'vitest';
import { heldRows, quarantineRows, withRule } from '../../../../src/app/ledger/quarantine';
import type { Quarantined } from '../../../../src/core/ledger/types';

const junk = (n: number): Quarantined => ({
  id: null,
  entry: `junk ${n}`,
  code: 'malformed',
  rule: 'LEDGER-1',
  reason: `not a valid entry ${n}`,
  source: 'webrtc',
});

describe('quarantine rows', () => {
  it('cites the rule once', () => {
    expect(withRule({ reason: 'bad', rule: 'LEDGER-3' })).toBe('bad (LEDGER-3)');
    expect(withRule({ reason: 'bad (LEDGER-3)', rule: 'LEDGER-3' })).toBe('bad (LEDGER-3)');
    expect(withRule({ reason: 'bad' })).toBe('bad');
  });

  it('keeps only the first rows that fit, and none when full', () => {
    const q = [junk(1), junk(2), junk(3)];
    expect(heldRows('s', q, 2).map((r) => r.text)).toEqual(['junk 1', 'junk 2']);
    expect(heldRows('s', q, 0)).toEqual([]);
    expect(heldRows('s', q, -5)).toEqual([]);
    expect(heldRows('s', [{ ...junk(4), entry: 'x'.repeat(5000) }], 1)[0]?.text).toHaveLength(1024);
  });

  it('shows a stored row and the same live row once, with what could be read', () => {
    const live = [junk(1), { ...junk(2), entry: { author: 'k', type: 't', ts: { ms: 0 } } }];
    const rows = quarantineRows(heldRows('s', [junk(1)], 10), live, (k) => `name of ${k}`);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ author: null, reason: 'not a valid entry 1 (LEDGER-1)' });
    expect(rows[1]).toMatchObject({
      author: 'k',
      authorName: 'name of k',
      type: 't',
      utc: '1970-01-01T00:00:00.000Z',
    });
  });
});
