// The engine on hostile input (DEID-60, DEID-66): every hostile fixture and a seeded sweep
// of truncations and byte flips after Pixel Data give a written file, a hold with a closed
// reason or a parse problem; never an exception.
import { describe, expect, test } from 'vitest';
import { deidentifyDataset } from '../../../src/core/deid/engine';
import { parseSource } from '../../../src/core/dicom/inflating';
import { deidentifiedTail } from '../../../src/core/deid/method';
import { basicProfile } from '../../../src/core/deid/profile';
import { findLeaks } from '../../../src/core/deid/run/leak';
import { writePart10 } from '../../../src/core/dicom/writer';
import { hostileCases } from '../../fixtures/hostile';
import * as V from '../../fixtures/vendor';
import { inflate } from '../dicom/inflate';

const SEED = Number(process.env.DEID_FUZZ_SEED ?? 424242);

async function through(bytes: Uint8Array): Promise<string> {
  const outcome = await parseSource(bytes, inflate);
  if (outcome.kind !== 'parsed') return outcome.kind;
  const res = deidentifyDataset(outcome.dicom, basicProfile(), {
    key: new Uint8Array(32),
    subjectId: 'S',
  });
  if (res.holds.length) return `held:${res.holds[0]!.reason}`;
  const header = writePart10(res.elements, { transferSyntaxUid: res.transferSyntaxUid });
  findLeaks(header, deidentifiedTail(res, outcome.dicom), []);
  return 'written';
}

describe('DEID-60, DEID-66 hostile input never throws in the engine', () => {
  test('every hostile fixture', async () => {
    for (const c of hostileCases())
      await expect(through(c.bytes), c.name).resolves.toBeTypeOf('string');
  });

  test(`truncations and flips after Pixel Data (seed ${SEED})`, async () => {
    console.log(`hostile-deid seed ${SEED} (set DEID_FUZZ_SEED to repeat)`);
    let a = SEED >>> 0;
    const rnd = () => (a = (Math.imul(a ^ (a >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32;
    const kinds = new Map<string, number>();
    for (const f of V.vendorSet()) {
      for (let i = 0; i < 40; i++) {
        const b = f.bytes.slice();
        const cut = Math.floor(b.length - rnd() * 200);
        const m = b.subarray(0, Math.max(200, cut)).slice();
        for (let k = 0; k < 3; k++)
          m[Math.floor(m.length - 1 - rnd() * 120)] = Math.floor(rnd() * 256);
        const k = await through(m);
        kinds.set(k, (kinds.get(k) ?? 0) + 1);
      }
    }
    console.log(JSON.stringify(Object.fromEntries(kinds)));
    expect(
      [...kinds.keys()].every((k) => /^(written|held:|problem|need-more|deflated)/.test(k)),
    ).toBe(true);
  });
});
