// The bad-input catalogue through the real indexing path: every case ends as the outcome
// the catalogue expects, with a sentence that says why.
import { describe, expect, it } from 'vitest';
import { inflateRawSync } from 'node:zlib';
import { hostileCases } from '../fixtures/hostile';
import { indexFile } from '../../src/core/index/index-file';
import type { Inflate } from '../../src/core/index/record';

const inflate: Inflate = async (data, maxBytes) =>
  inflateRawSync(data, { maxOutputLength: maxBytes });

describe('hostile input catalogue', () => {
  for (const c of hostileCases()) {
    it(`${c.name} -> ${[c.expect].flat().join(' | ')}`, async () => {
      const outcome = await indexFile(
        { size: c.bytes.length, read: async (s, e) => c.bytes.subarray(s, e) },
        { inflate },
      );
      const got = outcome.kind === 'problem' ? outcome.problem.code : outcome.kind;
      expect([c.expect].flat()).toContain(got);
      if (outcome.kind === 'problem') expect(outcome.problem.message.length).toBeGreaterThan(5);
      expect(outcome.bytesRead).toBeLessThanOrEqual(c.bytes.length);
    });
  }
});
