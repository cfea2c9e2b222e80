// The value cache the indexing worker keeps across files must never change what is indexed:
// every file indexed with one shared cache equals the same file indexed with none, even when
// the same bytes mean something else (another character set, byte order or VR).
import { describe, expect, test } from 'vitest';
import { indexFile } from '../../../src/core/index/index-file';
import { ValueCache } from '../../../src/core/index/value-cache';
import { demoArchive } from '../../../src/core/demo/archive';
import { syntheticCorpus } from '../../../src/core/demo/corpus';
import { EXPLICIT_BE, EXPLICIT_LE, type El, ct, numbers, part10, source } from './build';
import { inflate } from './inflate';

const LE = '1.2.840.10008.1.2.1';
const BE = '1.2.840.10008.1.2.2';

/** Indexes each file twice, with the shared cache and without; both answers must agree. */
async function expectSameWithCache(files: Uint8Array[]): Promise<void> {
  const cache = new ValueCache();
  for (const [i, bytes] of files.entries()) {
    const plain = await indexFile(source(bytes), { inflate });
    const cached = await indexFile(source(bytes), { inflate, values: cache });
    expect(cached, `file ${i}`).toStrictEqual(plain);
  }
}

/** ct(2, 2) with some elements replaced (same tag) or added. */
function ctWith(replace: El[]): El[] {
  const tags = new Set(replace.map((e) => e.tag));
  const els = ct(2, 2).filter((e) => !tags.has(e.tag) && e.tag !== 0x7fe00010);
  els.push(...replace);
  els.sort((a, b) => a.tag - b.tag);
  els.push({ tag: 0x7fe00010, vr: 'OW', value: new Uint8Array(8) });
  return els;
}

describe('ValueCache', () => {
  test('same name bytes under another character set decode anew', async () => {
    // 0xC4 is "Ä" in Latin-1 and "Ф" in Latin/Cyrillic.
    const name: El = { tag: 0x00100010, vr: 'PN', value: Uint8Array.of(0xc4, 0x5e, 0x41, 0x20) };
    const latin = ctWith([name, { tag: 0x00080005, vr: 'CS', value: 'ISO_IR 100' }]);
    const cyrillic = ctWith([name, { tag: 0x00080005, vr: 'CS', value: 'ISO_IR 144' }]);
    await expectSameWithCache([
      part10(latin, EXPLICIT_LE, LE),
      part10(cyrillic, EXPLICIT_LE, LE),
      part10(latin, EXPLICIT_LE, LE),
    ]);
    const r = await indexFile(source(part10(cyrillic, EXPLICIT_LE, LE)), {
      inflate,
      values: new ValueCache(),
    });
    expect(r.kind === 'instance' && r.fields.patientName).toBe('Ф^A');
  });

  test('same number bytes in the other byte order or under another VR decode anew', async () => {
    const rows = numbers('US', [0x0102], true);
    const asUs: El = { tag: 0x00280010, vr: 'US', value: rows };
    const asSs: El = { tag: 0x00280010, vr: 'SS', value: numbers('SS', [-2], true) };
    const asUsMax: El = { tag: 0x00280010, vr: 'US', value: numbers('US', [0xfffe], true) };
    await expectSameWithCache([
      part10(ctWith([asUs]), EXPLICIT_LE, LE),
      part10(ctWith([asUs]), EXPLICIT_BE, BE),
      part10(ctWith([asSs]), EXPLICIT_LE, LE),
      part10(ctWith([asUsMax]), EXPLICIT_LE, LE),
      part10(ctWith([asSs]), EXPLICIT_LE, LE),
    ]);
  });

  test('a generated archive and corpora, interleaved, index the same with one cache', async () => {
    const demo = [...demoArchive({})].map((f) => f.bytes);
    const corpora = (['MR', 'CT', 'PT'] as const).map((modality) =>
      [
        ...syntheticCorpus({ modality, count: 40, rows: 8, columns: 8, seed: 5, seriesSize: 10 }),
      ].map((f) => f.bytes),
    );
    // Round robin: the cache sees the series of different files take turns.
    const mixed: Uint8Array[] = [];
    for (let i = 0; i < 40; i++) for (const c of corpora) mixed.push(c[i]!);
    await expectSameWithCache([...demo, ...mixed]);
  });
});
