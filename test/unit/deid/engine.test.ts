// DEID-21..26: the engine on demo archive files.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { demoArchive } from '../../../src/core/demo/archive';
import { parseDicomBytes } from '../../../src/core/dicom/file';
import type { DataSet, ParsedDicom } from '../../../src/core/dicom/types';
import { stringValue } from '../../../src/core/dicom/values';
import { deidentifyDataset } from '../../../src/core/deid/engine';
import { deidentifiedHeader } from '../../../src/core/deid/method';
import { basicProfile } from '../../../src/core/deid/profile';
import { resolveAction } from '../../../src/core/deid/resolve';

/** Case-insensitive whole-word match of a value (word = letters and digits). */
const word = (v: string): RegExp =>
  new RegExp(`(?<![a-z0-9])${v.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![a-z0-9])`);

function parse(bytes: Uint8Array): ParsedDicom {
  const out = parseDicomBytes(bytes);
  if (out.kind !== 'parsed') throw new Error(`not parsed: ${JSON.stringify(out).slice(0, 200)}`);
  return out.dicom;
}

const all = [...demoArchive({ brokenFiles: false })];
// The first two share a series; the rest spread over subjects, sites and modalities.
const files = [all[0]!, all[1]!, ...all.filter((_, i) => i > 1 && i % 37 === 0)];
const profile = basicProfile('Trial X');
profile.options.rtnLongModifDatesOpt = true;
const key = new Uint8Array(32).fill(7);

function run(bytes: Uint8Array, k = key): { out: Uint8Array; src: ParsedDicom } {
  const src = parse(bytes);
  const res = deidentifyDataset(src, profile, {
    key: k,
    subjectId: 'SUBJ-X',
    trial: { protocolId: 'P1' },
  });
  const header = deidentifiedHeader(res, src.transferSyntaxUid);
  const tail =
    res.pixelDataOffset === null ? new Uint8Array(0) : bytes.subarray(res.pixelDataOffset);
  return { out: new Uint8Array(Buffer.concat([header, tail])), src };
}

/** Values of the source that the profile changes (not K), at any depth, 4+ chars. */
function identifying(src: ParsedDicom): string[] {
  const found: string[] = [];
  const visit = (ds: DataSet): void => {
    for (const el of ds.elements) {
      if (el.items) el.items.forEach(visit);
      else if (resolveAction(profile, el.tag).action !== 'K') {
        for (const v of stringValue(src.datasetBytes, el, ds).split(/[\\^=]/)) {
          if (v.trim().length >= 4 && !/^\d{1,6}$/.test(v.trim())) found.push(v.trim());
        }
      }
    }
  };
  visit(src.dataset);
  return found;
}

describe('DEID-21 engine on demo files', () => {
  test('DEID-21 the splice parses back with identical pixel bytes', () => {
    for (const f of files) {
      const { out, src } = run(f.bytes);
      const back = parse(out);
      expect(back.pixelData !== null).toBe(src.pixelData !== null);
      if (src.pixelData && back.pixelData) {
        const a = f.bytes.subarray(src.pixelData.valueOffset);
        const b = out.subarray(back.pixelData.valueOffset);
        expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0);
      }
      expect(
        stringValue(back.datasetBytes, back.dataset.byTag.get(0x00120062)!, back.dataset),
      ).toBe('YES');
    }
  });

  test('DEID-22 no changed identifying value survives in the output bytes', () => {
    for (const f of files) {
      const { out, src } = run(f.bytes);
      const text = Buffer.from(out).toString('latin1').toLowerCase();
      const values = identifying(src);
      expect(values.length).toBeGreaterThan(3);
      // Whole words: 'MARY' must not match inside 'PRIMARY'.
      for (const v of values) expect(text, `${f.path}: ${v}`).not.toMatch(word(v));
      expect(text).not.toContain('trialbench demo');
    }
  });

  test('DEID-23 UIDs consistent across files, same key byte-identical, other key differs', () => {
    const a = run(files[0]!.bytes);
    const b = run(files[1]!.bytes);
    const uid = (p: ParsedDicom, tag: number): string =>
      stringValue(p.datasetBytes, p.dataset.byTag.get(tag)!, p.dataset);
    const pa = parse(a.out);
    const pb = parse(b.out);
    if (uid(a.src, 0x0020000d) === uid(b.src, 0x0020000d))
      expect(uid(pa, 0x0020000d)).toBe(uid(pb, 0x0020000d));
    expect(uid(pa, 0x0020000d)).not.toBe(uid(a.src, 0x0020000d));
    expect(uid(pa, 0x0020000d)).toMatch(/^2\.25\./);
    expect(Buffer.compare(Buffer.from(run(files[0]!.bytes).out), Buffer.from(a.out))).toBe(0);
    const c = parse(run(files[0]!.bytes, new Uint8Array(32).fill(9)).out);
    expect(uid(c, 0x0020000d)).not.toBe(uid(pa, 0x0020000d));
  });

  test('DEID-24 output parses with dcmdump', () => {
    if (!existsSync('/usr/bin/dcmdump')) {
      console.warn('SKIPPED: /usr/bin/dcmdump is absent');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'deid-'));
    for (const [i, f] of files.slice(0, 4).entries()) {
      const p = join(dir, `${i}.dcm`);
      writeFileSync(p, run(f.bytes).out);
      expect(() => execFileSync('/usr/bin/dcmdump', ['-q', p], { stdio: 'pipe' })).not.toThrow();
    }
  });
});
