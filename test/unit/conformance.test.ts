// Conformance over public corpora: every file is either indexed with the identifiers an
// independent reader (pydicom; DCMTK's dcmdump for well-formedness) finds, or rejected
// for a reason that reader confirms. Skipped, loudly, when the corpus is absent.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { indexFile } from '../../src/core/index/index-file';
import type { IndexOutcome } from '../../src/core/index/record';
import { inflate } from './dicom/inflate';
import { PYTHON, pydicomAvailable } from './dicom/pydicom';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const corpus = process.env.DICOM_CORPUS ?? path.resolve(repoRoot, '../shared/corpus');
const DCMDUMP = '/usr/bin/dcmdump';
const banner = (msg: string) => console.warn(`\n${'!'.repeat(72)}\n!! ${msg}\n${'!'.repeat(72)}\n`);

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const files = ['pydicom/test_files', 'pydicom/charset_files']
  .flatMap((d) => walk(path.join(corpus, d)))
  .filter((f) => !/\.(txt|json|gz|dump)$/i.test(f))
  .sort();
const noCorpus = files.length === 0;
if (noCorpus) banner(`SKIPPED: conformance suite: no corpus at ${corpus} (set DICOM_CORPUS)`);
const noPydicom = noCorpus ? null : pydicomAvailable();
const noDcmdump = existsSync(DCMDUMP) ? null : `${DCMDUMP} not installed`;
if (noPydicom) banner(`conformance: ${noPydicom}; identifiers are not cross-checked`);
if (noDcmdump) banner(`conformance: ${noDcmdump}; well-formedness is not cross-checked`);

/** Files the standard says are broken; they must be rejected, with this code. */
const MUST_REJECT: Record<string, string> = {
  'MR_truncated.dcm': 'truncated', // Pixel Data declares 8192 bytes; the file ends early
  'rtplan_truncated.dcm': 'truncated', // cut inside BeamSequence
  'no_meta.dcm': 'not-dicom', // README says "CT_small without meta", but a stray byte 0x20 leads it: DCMTK fails too
  README: 'not-dicom', // TINY_ALPHA's text README
  // Its last directory record's item declares 248 bytes and runs 24 bytes past both its
  // sequence and the file. DCMTK and pydicom clamp it silently; a wrong length is a wrong
  // length, and a DICOMDIR yields no instances either way.
  'DICOMDIR-nooffset': 'bad-length',
};

/**
 * Files that look broken by name or to DCMTK but are accepted, and why.
 * - badVR.dcm: its structure is sound; only a value is invalid (NumberOfFrames IS "1A").
 *   DCMTK reads it without complaint; we index it and NumberOfFrames comes out null.
 * - SC_rgb_jpeg.dcm: declares JPEG Baseline (explicit VR) but the dataset is written in
 *   implicit VR. Like pydicom we trust the bytes over the declaration; DCMTK does not.
 */
const ACCEPTED_DESPITE: Record<string, string> = {
  'badVR.dcm': 'invalid IS value only',
  'SC_rgb_jpeg.dcm': 'implicit VR under an explicit transfer syntax, read as pydicom reads it',
};

interface Reference {
  error?: string;
  StudyInstanceUID?: string | null;
  SeriesInstanceUID?: string | null;
  SOPInstanceUID?: string | null;
  Modality?: string | null;
  PatientName?: string | null;
  MediaStorageSOPClassUID?: string | null;
  records?: number | null;
}

const PY = String.raw`
import json, sys, warnings
warnings.simplefilter('ignore')
import pydicom
out = {}
for p in sys.argv[1:]:
    try:
        ds = pydicom.dcmread(p, force=True, stop_before_pixels=True)
        r = {}
        for k in ['StudyInstanceUID', 'SeriesInstanceUID', 'SOPInstanceUID', 'Modality', 'PatientName']:
            v = ds.get(k)
            r[k] = None if v is None or (hasattr(v, 'value') and False) else str(v).rstrip(' ')
        fm = getattr(ds, 'file_meta', None)
        r['MediaStorageSOPClassUID'] = str(fm.get('MediaStorageSOPClassUID', '')) if fm is not None else None
        seq = ds.get('DirectoryRecordSequence')
        r['records'] = len(seq) if seq is not None else None
        out[p] = r
    except Exception as e:
        out[p] = {'error': repr(e)[:200]}
print(json.dumps(out))
`;

function references(): Record<string, Reference> {
  if (noPydicom || noCorpus) return {};
  const r = spawnSync(PYTHON, ['-c', PY, ...files], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`pydicom reference failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, Reference>;
}

function dcmdumpOk(file: string): boolean | null {
  if (noDcmdump) return null;
  const r = spawnSync(DCMDUMP, ['-q', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return r.status === 0 && !/^E:/m.test(r.stderr);
}

describe.skipIf(noCorpus)(`conformance over ${corpus}`, () => {
  const refs = references();
  const tally = new Map<string, number>();
  afterAll(() => {
    const parts = [...tally.entries()].sort().map(([k, n]) => `${k} ${n}`);
    console.log(`conformance: ${files.length} files: ${parts.join(', ')}`);
  });

  test.each(files.map((f) => [path.relative(corpus, f), f]))('%s', async (_rel, file) => {
    const name = path.basename(file);
    const buf = new Uint8Array(readFileSync(file));
    const r: IndexOutcome = await indexFile(
      { size: buf.length, read: async (a, b) => buf.slice(a, b) },
      { inflate },
    );
    const key =
      r.kind === 'problem'
        ? `rejected:${r.problem.code}`
        : r.kind === 'instance'
          ? 'indexed'
          : 'dicomdir';
    tally.set(key, (tally.get(key) ?? 0) + 1);
    const ref = refs[file];
    const wellFormed = dcmdumpOk(file);

    const mustReject = MUST_REJECT[name];
    if (mustReject) {
      expect(r.kind === 'problem' && r.problem.code, name).toBe(mustReject);
      return;
    }
    if (r.kind === 'problem') {
      // A rejection must be true: missing UIDs are missing for pydicom too; structural
      // problems are problems for DCMTK too.
      if (r.problem.code === 'missing-uid') {
        if (ref && !ref.error) {
          const missing = ['StudyInstanceUID', 'SeriesInstanceUID', 'SOPInstanceUID'].filter(
            (k) => !ref[k as keyof Reference],
          );
          expect(missing.length, `${name}: pydicom finds all UIDs`).toBeGreaterThan(0);
          expect(r.problem.message).toBe(`no ${missing.join(', ')} in the dataset`);
        }
      } else if (wellFormed !== null) {
        expect(wellFormed, `${name}: rejected (${r.problem.message}) but DCMTK reads it`).toBe(
          false,
        );
      }
      return;
    }
    if (wellFormed === false)
      expect(ACCEPTED_DESPITE[name], `${name}: accepted but DCMTK rejects it`).toBeDefined();
    if (r.kind === 'dicomdir') {
      if (ref && !ref.error) {
        expect(ref.MediaStorageSOPClassUID).toBe('1.2.840.10008.1.3.10');
        expect(r.entries).toBe(ref.records ?? 0);
      }
      return;
    }
    expect(r.fields.pixelDataOffset === null || r.fields.pixelDataOffset < r.bytesRead).toBe(true);
    if (!ref || ref.error) return;
    expect(r.fields.studyInstanceUid).toBe(ref.StudyInstanceUID);
    expect(r.fields.seriesInstanceUid).toBe(ref.SeriesInstanceUID);
    expect(r.fields.sopInstanceUid).toBe(ref.SOPInstanceUID);
    expect(r.fields.modality).toBe(ref.Modality ?? '');
    expect(r.fields.patientName).toBe(ref.PatientName ?? '');
  });
});
