// The demo archive as independent readers see it: DCMTK and pydicom parse every file
// except the planted broken ones, the counts match the summary, the planted deviations,
// identifiers and PET module are there, and the same seed gives the same bytes.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoArchive, demoArchiveSummary, type DemoFile } from '../../../src/core/demo/archive';
import {
  PYTHON,
  dcmdump,
  dciodvfy,
  hasDciodvfy,
  hasDcmdump,
  hasPydicom,
} from '../../fixtures/tools';

const files = [...demoArchive()];
const summary = demoArchiveSummary();
const brokenPaths = new Set(summary.broken.map((b) => b.path));
const valid = files.filter((f) => !brokenPaths.has(f.path));
let root = '';

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'trialbench-demo-'));
  for (const f of files) {
    mkdirSync(dirname(join(root, f.path)), { recursive: true });
    writeFileSync(join(root, f.path), f.bytes);
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Row {
  path: string;
  error?: string;
  sop: string;
  series: string;
  study: string;
  patientId: string;
  patientName: string;
  modality: string;
  instance: number;
  thickness: number;
  z: number;
  contrast: string | null;
  studyDescription: string;
  privateName: string | null;
  radiopharm: {
    name: string;
    halfLife: number;
    dose: number;
    start: string;
    nuclide: string;
  } | null;
}

function readAll(paths: string[]): Row[] {
  const script = `
import sys, json, pydicom
rows = []
for rel in json.load(sys.stdin):
    try:
        ds = pydicom.dcmread(sys.argv[1] + '/' + rel)
        rp = None
        if 'RadiopharmaceuticalInformationSequence' in ds:
            i = ds.RadiopharmaceuticalInformationSequence[0]
            rp = dict(name=i.Radiopharmaceutical, halfLife=float(i.RadionuclideHalfLife),
                      dose=float(i.RadionuclideTotalDose), start=str(i.RadiopharmaceuticalStartTime),
                      nuclide=i.RadionuclideCodeSequence[0].CodeMeaning)
        block = ds.private_block(0x0019, 'TRIALBENCH DEMO')
        rows.append(dict(path=rel, sop=ds.SOPInstanceUID, series=ds.SeriesInstanceUID,
            study=ds.StudyInstanceUID, patientId=ds.PatientID, patientName=str(ds.PatientName),
            modality=ds.Modality, instance=int(ds.InstanceNumber), thickness=float(ds.SliceThickness),
            z=float(ds.ImagePositionPatient[2]), contrast=ds.get('ContrastBolusAgent'),
            studyDescription=ds.StudyDescription, privateName=block[0x10].value, radiopharm=rp))
    except Exception as e:
        rows.append(dict(path=rel, error=type(e).__name__ + ': ' + str(e)))
print(json.dumps(rows))
`;
  const r = spawnSync(PYTHON, ['-c', script, root], {
    input: JSON.stringify(paths),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Row[];
}

describe('the plan and the files agree', () => {
  it('has the summarised number of files, broken ones included', () => {
    expect(files).toHaveLength(summary.files);
    expect(valid).toHaveLength(summary.instances);
    expect(new Set(files.map((f) => f.path)).size).toBe(files.length);
    for (const b of summary.broken) {
      const f = files.find((x) => x.path === b.path);
      // Long enough that 'not-dicom' is the only right answer, not 'too-short'.
      expect(f?.bytes.length, b.path).toBeGreaterThan(132);
    }
    expect(summary.broken.map((b) => b.expect).sort()).toEqual([
      'not-dicom',
      'not-dicom',
      'truncated',
    ]);
  });

  it('uses the documented path layout', () => {
    expect(valid[0]?.path).toMatch(
      /^site-10\d\/SUBJ-\d{4}\/\d{4}-\d\d-\d\d_(baseline|followup-\d+)\/(CT|MR|PT)_\d+_[A-Za-z0-9_]+\/IM\d{5}\.dcm$/,
    );
  });

  it('plants the three deviations by default', () => {
    expect(summary.deviations.map((d) => d.kind).sort()).toEqual([
      'missing-slice',
      'no-contrast',
      'thick-slices',
    ]);
  });
});

describe.skipIf(!hasDcmdump)('DCMTK', () => {
  it('dcmdump parses every valid file without errors', () => {
    const paths = valid.map((f) => join(root, f.path));
    for (let i = 0; i < paths.length; i += 400) {
      const r = dcmdump(paths.slice(i, i + 400), ['-M']);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
  });

  it('dcmdump rejects each planted broken file', () => {
    for (const b of summary.broken) {
      const r = dcmdump([join(root, b.path)]);
      expect(r.status, b.path).not.toBe(0);
    }
  });
});

describe.skipIf(!hasDciodvfy)('dciodvfy', () => {
  it('finds no IOD errors in a CT, an MR, a PET and its CT', () => {
    for (const pattern of [/CT_3_CAP/, /MR_4_AX_FLAIR/, /MR_7_AX_T1/, /PT_3_PET/, /CT_2_PETCT/]) {
      const f = valid.find((v) => pattern.test(v.path)) as DemoFile;
      const r = dciodvfy(join(root, f.path));
      const errors = (r.stdout + r.stderr).split('\n').filter((l) => l.startsWith('Error'));
      expect(errors, f.path).toEqual([]);
    }
  });
});

describe.skipIf(!hasPydicom)('pydicom', () => {
  let rows: Row[] = [];
  beforeAll(() => {
    rows = readAll(valid.map((f) => f.path));
  });

  it('reads every valid file, and the counts match the summary', () => {
    expect(rows.filter((r) => r.error)).toEqual([]);
    expect(new Set(rows.map((r) => r.sop)).size).toBe(summary.instances);
    expect(new Set(rows.map((r) => r.series)).size).toBe(summary.series);
    expect(new Set(rows.map((r) => r.study)).size).toBe(summary.studies);
    expect(new Set(rows.map((r) => r.patientId)).size).toBe(summary.subjects);
  });

  it('shows each deviation in the headers', () => {
    const inSeries = (path: string): Row[] => rows.filter((r) => r.path.startsWith(`${path}/`));
    for (const d of summary.deviations) {
      const series = inSeries(d.path);
      expect(series.length, d.path).toBeGreaterThan(0);
      if (d.kind === 'thick-slices') expect(series.every((r) => r.thickness === 7.5)).toBe(true);
      if (d.kind === 'no-contrast') expect(series.every((r) => r.contrast === null)).toBe(true);
      if (d.kind === 'missing-slice') {
        const numbers = series.map((r) => r.instance).sort((a, b) => a - b);
        const gaps = numbers.filter((n, i) => i > 0 && n !== (numbers[i - 1] ?? 0) + 1);
        expect(gaps).toHaveLength(1);
      }
    }
    const normal = rows.filter(
      (r) =>
        r.path.includes('CT_3_CAP_contrast') &&
        !summary.deviations.some((d) => r.path.startsWith(d.path)),
    );
    expect(normal.every((r) => r.thickness === 5 && r.contrast !== null)).toBe(true);
  });

  it('gives PET the radiopharmaceutical module', () => {
    const pet = rows.filter((r) => r.modality === 'PT');
    expect(pet.length).toBeGreaterThan(0);
    for (const r of pet) {
      expect(r.radiopharm).toMatchObject({
        name: 'Fluorodeoxyglucose',
        halfLife: 6586.2,
        nuclide: '^18^Fluorine',
      });
      expect(r.radiopharm?.dose).toBeGreaterThan(1e8);
      expect(r.radiopharm?.start).toMatch(/^\d{6}$/);
    }
  });

  it('decodes the planted identifiers in each charset', () => {
    const names = new Set(rows.map((r) => r.patientName));
    expect(names).toContain('DOE^JOHN');
    expect(names).toContain('GARÇON^HÉLÈNE'); // Latin-1 (ISO_IR 100)
    expect(names).toContain('YAMADA^TARO=山田^太郎'); // UTF-8 (ISO_IR 192)
    expect(rows.some((r) => r.studyDescription.endsWith(' — f/u for YAMADA^TARO'))).toBe(true);
    for (const r of rows) {
      expect(r.studyDescription).toContain(r.patientName.split('=')[0]);
      expect(r.privateName).toBe(r.patientName.split('=')[0]);
    }
  });

  it('keeps positions consistent with instance numbers within a series', () => {
    const bySeries = new Map<string, Row[]>();
    for (const r of rows) bySeries.set(r.series, [...(bySeries.get(r.series) ?? []), r]);
    for (const series of bySeries.values()) {
      const sorted = [...series].sort((a, b) => a.instance - b.instance);
      const first = sorted[0] as Row;
      const last = sorted[sorted.length - 1] as Row;
      const step = (first.z - last.z) / (last.instance - first.instance || 1);
      if (sorted.length > 1) expect(step).toBeGreaterThan(0);
      for (const r of sorted)
        expect(first.z - r.z).toBeCloseTo(step * (r.instance - first.instance));
    }
  });
});

describe('determinism', () => {
  const digest = (fs: DemoFile[]): string => {
    const h = createHash('sha256');
    for (const f of fs) h.update(f.path).update(f.bytes);
    return h.digest('hex');
  };

  it('gives byte-identical archives for the same seed', () => {
    expect(digest([...demoArchive()])).toBe(digest(files));
  });

  it('changes every UID with the seed', () => {
    const uids = (fs: DemoFile[]): Set<string> => {
      const out = new Set<string>();
      for (const f of fs)
        for (const m of Buffer.from(f.bytes)
          .toString('latin1')
          .matchAll(/2\.25\.\d{39}/g))
          out.add(m[0]);
      return out;
    };
    const a = uids(files.filter((f) => f.path.includes('SUBJ-0001')));
    const b = uids([...demoArchive({ seed: 2, sites: 1, subjectsPerSite: 1 })]);
    a.delete('2.25.320216942264887695943873721350752081840');
    b.delete('2.25.320216942264887695943873721350752081840');
    expect(a.size).toBeGreaterThan(100);
    expect([...b].filter((u) => a.has(u))).toEqual([]);
  });

  it('scales with its parameters', () => {
    const params = {
      sites: 1,
      subjectsPerSite: 2,
      visits: 3,
      ctSlices: 4,
      mrSlices: 3,
      petSlices: 2,
      deviations: false,
      brokenFiles: false,
    };
    const s = demoArchiveSummary(params);
    expect([...demoArchive(params)]).toHaveLength(s.files);
    expect(s).toMatchObject({
      subjects: 2,
      studies: 18,
      series: 30,
      instances: 2 * 3 * (4 + 3 * 2 + 2 * 2),
      broken: [],
      deviations: [],
    });
  });
});
