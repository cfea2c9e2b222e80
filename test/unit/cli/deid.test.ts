// `trialbench deid` over a generated corpus with planted identifiers: outputs parse, no
// identifier in any output byte or the manifest, reruns are byte-identical, an
// interrupted run resumes, corrupt files are skipped with reasons, facial risk is held
// until waived, and the output may not go inside the input.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { run } from '../../../src/cli/deid';
import { listFiles } from '../../../src/cli/deid-fs';
import { parseDicomBytes } from '../../../src/core/dicom/file';
import { basicProfile, serializeProfile } from '../../../src/core/deid/profile';
import { collectIdentifiers } from '../../../src/core/deid/run/leak';
import { writeCorpus } from './deid-corpus';

const corpus = writeCorpus({
  sites: 1,
  subjectsPerSite: 2,
  visits: 2,
  ctSlices: 4,
  mrSlices: 3,
  petSlices: 3,
  rows: 32,
  columns: 32,
});
const keyFile = join(corpus.root, 'test.key');
writeFileSync(keyFile, new Uint8Array(32).fill(5));

let output: string[] = [];
beforeAll(() => {
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    output.push(String(s));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
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

const out = (name: string): string => join(corpus.root, name);
const dcmFiles = (dir: string): string[] => listFiles(dir).filter((f) => f.endsWith('.dcm'));

/** Identifiers planted in the sources, gathered independently of any output. */
function planted(): string[] {
  const found = new Set<string>();
  for (const rel of listFiles(corpus.input)) {
    const p = parseDicomBytes(new Uint8Array(readFileSync(join(corpus.input, rel))));
    if (p.kind !== 'parsed') continue;
    for (const id of collectIdentifiers(p.dicom, basicProfile())) found.add(id.value.toLowerCase());
  }
  return [...found];
}

const whole = (text: string, token: string): boolean => {
  const esc = token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\p{L}\\p{N}])${esc}(?![\\p{L}\\p{N}])`, 'u').test(text);
};

describe('trialbench deid', () => {
  let first: { code: number; text: string };
  beforeAll(async () => {
    first = await cli(corpus.input, out('a'), '--key', keyFile, '--site-rule', '**=101');
  });

  test('summary: written, facial risk held, corrupt skipped with reasons, leak check', () => {
    // Facial-risk series are held: exit 1 (held or leak), as --help documents.
    expect(first.code).toBe(1);
    expect(first.text).toMatch(/written: [1-9]\d* /);
    expect(first.text).toMatch(/held back: .*facial \d+/);
    expect(first.text).toMatch(/skipped: 3/);
    expect(first.text).toMatch(/skipped .*README\.txt: not-dicom/);
    expect(first.text).toMatch(/leak check: checked \d+, held 0/);
    expect(first.text).toMatch(/\d+(\.\d+)? MB\/s/);
  });

  test('outputs parse and no planted identifier is in any output byte or the manifest', () => {
    const ids = planted();
    expect(ids.length).toBeGreaterThan(10);
    const files = dcmFiles(out('a'));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const bytes = new Uint8Array(readFileSync(join(out('a'), f)));
      const p = parseDicomBytes(bytes);
      expect(p.kind, f).toBe('parsed');
      if (p.kind !== 'parsed') continue;
      const cut = p.dicom.pixelData?.offset ?? bytes.length;
      const header = Buffer.from(bytes.subarray(0, cut)).toString('latin1').toLowerCase();
      const all = Buffer.from(bytes).toString('latin1').toLowerCase();
      for (const id of ids) {
        expect(whole(header, id), `${f}: ${id}`).toBe(false);
        if (id.length >= 8) expect(all.includes(id), `${f}: ${id}`).toBe(false);
      }
      expect(header).not.toContain('trialbench demo');
    }
    for (const doc of ['manifest.json', 'DEIDENTIFICATION.json', 'DEIDENTIFICATION.md']) {
      const text = readFileSync(join(out('a'), doc), 'utf8').toLowerCase();
      for (const id of ids) expect(whole(text, id), `${doc}: ${id}`).toBe(false);
      expect(text).not.toMatch(/im0000\d\.dcm|readme\.txt/);
    }
    const manifest = JSON.parse(readFileSync(join(out('a'), 'manifest.json'), 'utf8')) as {
      files: Array<{ path: string; size: number }>;
    };
    expect(manifest.files.map((m) => m.path).sort()).toEqual(files.sort());
    for (const m of manifest.files) expect(statSync(join(out('a'), m.path)).size).toBe(m.size);
  });

  test('rerun with the same key is byte-identical', async () => {
    await cli(corpus.input, out('b'), '--key', keyFile, '--site-rule', '**=101', '--quiet');
    expect(dcmFiles(out('b'))).toEqual(dcmFiles(out('a')));
    for (const f of [...dcmFiles(out('a')), 'manifest.json']) {
      expect(
        Buffer.compare(readFileSync(join(out('a'), f)), readFileSync(join(out('b'), f))),
        f,
      ).toBe(0);
    }
  });

  test('an interrupted run resumes where it stopped', async () => {
    const cut = await cli(
      corpus.input,
      out('c'),
      '--key',
      keyFile,
      '--site-rule',
      '**=101',
      '--limit',
      '4',
    );
    expect(cut.text).toMatch(/stopped after 4 new file/);
    expect(dcmFiles(out('c'))).toHaveLength(4);
    // A crash can leave a temporary behind: the next run removes it.
    writeFileSync(join(out('c'), `${dcmFiles(out('c'))[0]}.tmp-123`), 'half');
    const rest = await cli(
      corpus.input,
      out('c'),
      '--key',
      keyFile,
      '--site-rule',
      '**=101',
      '--quiet',
    );
    expect(rest.text).toMatch(/removed 1 temporary/);
    expect(rest.text).toMatch(/\(4 already present/);
    for (const f of [...dcmFiles(out('a')), 'manifest.json']) {
      expect(
        Buffer.compare(readFileSync(join(out('a'), f)), readFileSync(join(out('c'), f))),
        f,
      ).toBe(0);
    }
    expect(listFiles(out('c')).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  test('facial risk is written once waived, and the waiver is recorded', async () => {
    const why = 'defaced with an attested tool by the core lab';
    const r = await cli(
      corpus.input,
      out('d'),
      '--key',
      keyFile,
      '--site-rule',
      '**=101',
      '--waive-facial-risk',
      why,
      '--quiet',
    );
    expect(r.text).not.toMatch(/facial \d+/);
    expect(dcmFiles(out('d')).length).toBeGreaterThan(dcmFiles(out('a')).length);
    const record = readFileSync(join(out('d'), 'DEIDENTIFICATION.json'), 'utf8');
    expect(record).toContain(why);
    expect(record).toMatch(/"decision": "waived"/);
    expect(readFileSync(join(out('d'), 'DEIDENTIFICATION.md'), 'utf8')).toMatch(
      /Key fingerprint: [0-9a-f:]+/,
    );
  });

  test('refuses an output inside the input; creates a 0600 key beside the output', async () => {
    const inside = await cli(corpus.input, join(corpus.input, 'out'));
    expect(inside.code).toBe(2);
    expect(inside.text).toMatch(/must not be inside the input/);
    expect(existsSync(join(corpus.input, 'out'))).toBe(false);
    const r = await cli(corpus.input, out('e'), '--quiet');
    const key = `${out('e')}.deid-key`;
    expect(r.text).toContain(`key: created ${key}`);
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(statSync(key).size).toBe(32);
    expect(existsSync(join(out('e'), 'test.key'))).toBe(false);
  });

  test('a bad mapping line is reported and an unmapped patient is held', async () => {
    const csv = join(corpus.root, 'map.csv');
    writeFileSync(csv, '\ufeffsite,patient_id,subject_id\n101,NOBODY,101-001\n101,"broken\n');
    const r = await cli(
      corpus.input,
      out('f'),
      '--key',
      keyFile,
      '--mapping',
      csv,
      '--site-rule',
      '**=101',
      '--quiet',
    );
    expect(r.text).toMatch(/map\.csv: line 3: a quoted field is not closed/);
    expect(r.text).toMatch(/held back: .*pseudonym \d+/);
    expect(dcmFiles(out('f'))).toEqual([]);
  });

  test('a mapping gives EDC subject IDs and a visit table the time point and folder', async () => {
    const pids = new Map<string, string>();
    for (const rel of listFiles(corpus.input)) {
      const p = parseDicomBytes(new Uint8Array(readFileSync(join(corpus.input, rel))));
      if (p.kind !== 'parsed') continue;
      const el = p.dicom.dataset.byTag.get(0x00100020);
      const date = p.dicom.dataset.byTag.get(0x00080020);
      if (el && date) {
        const text = (e: typeof el): string =>
          Buffer.from(p.dicom.datasetBytes.subarray(e.valueOffset, e.valueOffset + e.length))
            .toString('latin1')
            .trim();
        pids.set(text(el), text(date));
      }
    }
    const rows = [...pids.keys()].map((pid, i) => `101,"${pid}",101-00${i + 1}`);
    const csv = join(corpus.root, 'good-map.csv');
    writeFileSync(csv, `site,patient_id,subject_id\r\n${rows.join('\r\n')}\r\n`);
    const visits = join(corpus.root, 'visits.csv');
    const [pid, date] = [...pids.entries()][0] ?? ['', ''];
    writeFileSync(visits, `patient_id,study_date,visit\n"${pid}",${date},Baseline Visit\n`);
    const r = await cli(
      corpus.input,
      out('g'),
      '--key',
      keyFile,
      '--mapping',
      csv,
      '--visits',
      visits,
      '--site-rule',
      '**=101',
      '--trial',
      'sponsorName=ACME',
      '--quiet',
    );
    // Facial-risk series are held (nothing waived here): exit 1.
    expect(r.code).toBe(1);
    expect(r.text).toMatch(/held back: facial \d+\n/);
    const files = dcmFiles(out('g'));
    expect(files.length).toBeGreaterThan(0);
    expect(files.every((f) => /^101\/101-00\d\//.test(f))).toBe(true);
    expect(files.some((f) => f.includes('/Baseline_Visit/'))).toBe(true);
    const one = readFileSync(join(out('g'), files.find((f) => f.includes('Baseline_Visit')) ?? ''));
    expect(one.toString('latin1')).toContain('Baseline Visit');
    expect(one.toString('latin1')).toContain('ACME');
  });

  test('negative control: a profile keeping a person name makes the leak check hold files', async () => {
    const keep = basicProfile('negative control');
    keep.options.rtnLongModifDatesOpt = true;
    keep.overrides.push({ tag: 0x00080090, action: 'K', reason: 'negative control' });
    const file = join(corpus.root, 'leaky-profile.json');
    writeFileSync(file, serializeProfile(keep));
    const r = await cli(
      corpus.input,
      out('h'),
      '--key',
      keyFile,
      '--site-rule',
      '**=101',
      '--profile',
      file,
      '--quiet',
    );
    expect(r.code).toBe(1);
    expect(r.text).toMatch(/leak check: checked \d+, held [1-9]/);
    expect(dcmFiles(out('h'))).toEqual([]);
  });
});
