// DEID-57: `trialbench deid --review <json> --attest-defaced "<tool>"` over the generated
// corpus: one facial-risk series excluded by its source Series Instance UID, the others
// attested defaced; both recorded; a malformed review file is refused with where and why.
// And --mask-burned-in over generated LOGIQ9 ultrasound (native and RLE): masked, counted,
// read by dcmdump with BurnedInAnnotation NO, and still counted when a rerun resumes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { run } from '../../../src/cli/deid';
import { listFiles } from '../../../src/cli/deid-fs';
import { parseDicomBytes } from '../../../src/core/dicom/file';
import { stringValue } from '../../../src/core/dicom/values';
import { facialRisk, pixelAttrsFromDicom } from '../../../src/core/deid/pixels';
import { writeCorpus } from './deid-corpus';
import { layout, makeNative, nativeFile, rleFile, usHeader } from '../deid/run/fixture';

const corpus = writeCorpus({
  sites: 1,
  subjectsPerSite: 1,
  visits: 1,
  ctSlices: 2,
  mrSlices: 2,
  petSlices: 2,
  rows: 16,
  columns: 16,
});
const keyFile = join(corpus.root, 'test.key');
writeFileSync(keyFile, new Uint8Array(32).fill(6));

let output: string[] = [];
beforeAll(() => {
  for (const stream of [process.stdout, process.stderr])
    vi.spyOn(stream, 'write').mockImplementation((s: string | Uint8Array) => {
      output.push(String(s));
      return true;
    });
});
afterAll(() => vi.restoreAllMocks());

async function cli(...args: string[]): Promise<{ code: number; text: string }> {
  output = [];
  const code = await run(args);
  return { code, text: output.join('') };
}

/** Source series at facial risk, with how many files each has. */
function facialSeries(): Map<string, number> {
  const out = new Map<string, number>();
  for (const rel of listFiles(corpus.input)) {
    const p = parseDicomBytes(new Uint8Array(readFileSync(join(corpus.input, rel))));
    if (p.kind !== 'parsed' || !p.dicom.pixelData) continue;
    if (!facialRisk(pixelAttrsFromDicom(p.dicom)).atRisk) continue;
    const el = p.dicom.dataset.byTag.get(0x0020000e)!;
    const uid = stringValue(p.dicom.datasetBytes, el, p.dicom.dataset).trim();
    out.set(uid, (out.get(uid) ?? 0) + 1);
  }
  return out;
}

describe('DEID-57 trialbench deid --review / --attest-defaced', () => {
  test('one series excluded on review, the rest attested defaced, both recorded', async () => {
    const series = facialSeries();
    expect(series.size).toBeGreaterThan(1);
    const [excluded, files] = [...series.entries()][0]!;
    const file = join(corpus.root, 'review.json');
    writeFileSync(
      file,
      JSON.stringify([
        {
          series: excluded,
          facial: {
            action: 'exclude',
            justification: 'withdrawn consent for imaging',
            by: 'Dr Q. Reviewer',
            at: '2026-11-29T08:00:00Z',
          },
        },
      ]),
    );
    const out = join(corpus.root, 'out-review');
    const r = await cli(
      corpus.input,
      out,
      '--key',
      keyFile,
      '--review',
      file,
      '--attest-defaced',
      'mri_deface 1.22',
      '--operator',
      'site admin',
      '--site-rule',
      '**=101',
      '--quiet',
    );
    // The excluded series is held back: exit 1.
    expect(r.code).toBe(1);
    expect(r.text).toMatch(new RegExp(`held back: .*excluded ${files}`));
    expect(r.text).not.toMatch(/facial \d+/);
    const md = readFileSync(join(out, 'DEIDENTIFICATION.md'), 'utf8');
    const json = readFileSync(join(out, 'DEIDENTIFICATION.json'), 'utf8');
    expect(md).toMatch(
      /facial risk excluded; answer exclude; by Dr Q\. Reviewer; at 2026-11-29T08:00:00Z; justification: withdrawn consent for imaging/,
    );
    expect(md).toMatch(
      /facial risk defaced; answer defaced; by site admin; tool: mri_deface 1\.22; justification: attested defaced with mri_deface 1\.22/,
    );
    expect(md).toMatch(new RegExp(`Excluded on review: ${files}`));
    const record = JSON.parse(json) as { decisions: Array<{ decision: string; files: number }> };
    const defaced = record.decisions.filter((d) => d.decision === 'defaced');
    expect(defaced.reduce((n, d) => n + d.files, 0)).toBe(
      [...series.values()].reduce((n, v) => n + v, 0) - files,
    );
    for (const uid of series.keys()) {
      expect(md).not.toContain(uid);
      expect(json).not.toContain(uid);
    }
  });

  test('a malformed review file is refused with where and why', async () => {
    const file = join(corpus.root, 'bad-review.json');
    writeFileSync(
      file,
      JSON.stringify([
        {
          series: '1.2.3',
          facial: { action: 'defaced', justification: 'x', by: 'y', at: '2026-11-29' },
        },
      ]),
    );
    const r = await cli(
      corpus.input,
      join(corpus.root, 'out-bad'),
      '--key',
      keyFile,
      '--review',
      file,
    );
    expect(r.code).toBe(2);
    expect(r.text).toMatch(/bad-review\.json: \[0\]\.facial\.tool: required, a non-blank string/);
    const both = await cli(
      corpus.input,
      join(corpus.root, 'out-both'),
      '--mask-burned-in',
      '--pass-burned-in',
      'x',
    );
    expect(both.code).toBe(2);
    expect(both.text).toMatch(/exclude each other/);
  });
});

describe('DEID-57 trialbench deid --mask-burned-in', () => {
  test('ultrasound masked by rule, counted, readable by dcmdump, counted again on resume', async () => {
    const input = join(corpus.root, 'us-in');
    mkdirSync(input, { recursive: true });
    writeFileSync(join(input, 'native.dcm'), nativeFile(usHeader(), makeNative(layout())));
    const rle = usHeader([
      { tag: 0x00080018, vr: 'UI', value: '1.2.826.0.1.3680043.9.7777.1.2' },
      { tag: 0x00200013, vr: 'IS', value: '2' },
    ]);
    writeFileSync(join(input, 'rle.dcm'), rleFile(rle));
    const out = join(corpus.root, 'us-out');
    const args = [
      input,
      out,
      '--key',
      keyFile,
      '--mask-burned-in',
      '--site-rule',
      '**=1',
      '--quiet',
    ];
    const r = await cli(...args);
    expect(r.code).toBe(0);
    expect(r.text).toMatch(/written: 2 /);
    expect(r.text).toMatch(/masked: 2 /);
    const files = listFiles(out).filter((f) => f.endsWith('.dcm'));
    expect(files).toHaveLength(2);
    if (existsSync('/usr/bin/dcmdump')) {
      for (const f of files) {
        const d = spawnSync('/usr/bin/dcmdump', ['-q', '-dc', join(out, f)], { encoding: 'utf8' });
        expect(d.status, d.stderr).toBe(0);
        expect(d.stdout).toMatch(/\(0028,0301\) CS \[NO\]/);
        expect(d.stdout).toMatch(/\(0008,0100\) SH \[113101\]/);
      }
    } else console.warn('SKIPPED (loudly): dcmdump absent, masked output not read by DCMTK');
    const again = await cli(...args);
    expect(again.text).toMatch(/\(2 already present/);
    expect(again.text).toMatch(/masked: 2 /);
    expect(readFileSync(join(out, 'DEIDENTIFICATION.md'), 'utf8')).toMatch(
      /Masked \(stored pixel values blanked, 113101 written\): 2/,
    );
  });
});
