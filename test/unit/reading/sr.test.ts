// RECIST-27: a submitted read as a DICOM SR TID 1500 Measurement Report, written with
// dcmjs and read back by independent readers (dicom-parser here; DCMTK dcmdump and
// dicom3tools dciodvfy where installed) with the same lesions and values.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import { decodeSr, encodeSr } from '../../../src/adapters/sr/dcmjs-sr';
import {
  DEFAULT_SETTINGS,
  assessTimepoints,
  lesionsFromSr,
  measurementReport,
  type ImageRef,
  type Signature,
} from '../../../src/core/reading';
import { baseline, followUp, m, meas, node, nonTarget, target } from './fixtures';

const sig: Signature = {
  name: 'Rita Reader',
  author: 'ed25519:abc',
  at: '2026-01-05T09:00:01.000Z',
  meaning: 'read',
};
const image = (sop: string): ImageRef => ({
  sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
  studyInstanceUid: '2.25.77',
  seriesInstanceUid: `2.25.88.${sop.length}`,
});
const b0 = baseline([
  {
    ...target('T1', 'liver', 42.5),
    measurement: {
      ...m(42.5, undefined, '2.25.1001'),
      points: [
        { x: 10.5, y: 20.25 },
        { x: 40, y: 41 },
      ],
    },
  },
  { ...target('T2', 'lung', 25), measurement: m(25, undefined, '2.25.1002') },
  {
    ...node('N1', 18, 24),
    measurement: {
      ...m(24, 18, '2.25.1003'),
      points: [
        { x: 1, y: 2 },
        { x: 3, y: 4 },
        { x: 5, y: 6 },
        { x: 7, y: 8 },
      ],
    },
  },
  nonTarget('NT1', 'bone'),
]);

function which(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
}

function write(bytes: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'tb-sr-'));
  const path = join(dir, 'read.dcm');
  writeFileSync(path, bytes);
  return path;
}

describe('RECIST-27: SR TID 1500 export', () => {
  const ds = measurementReport({
    readId: 'ab'.repeat(32),
    read: b0,
    signature: sig,
    baseline: b0,
    assessment: null,
    image,
  });
  const bytes = encodeSr(ds);

  it('is deterministic: the same read gives the same bytes', () => {
    const again = encodeSr(
      measurementReport({
        readId: 'ab'.repeat(32),
        read: b0,
        signature: sig,
        baseline: b0,
        assessment: null,
        image,
      }),
    );
    expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
  });

  it('round-trips through dcmjs: the same lesions and values', () => {
    const back = lesionsFromSr(decodeSr(bytes));
    expect(back).toMatchObject({
      subject: 'TB-SUBJ01',
      timepoint: 'TP0',
      criteria: 'RECIST 1.1',
      observer: 'Rita Reader',
      sumMm: 85.5,
    });
    expect(back.lesions).toEqual([
      {
        id: 'T1',
        label: 'T1 liver, liver T1',
        role: 'target',
        nodal: false,
        status: 'baseline',
        measurements: [
          {
            longMm: 42.5,
            shortMm: null,
            sopInstanceUid: '2.25.1001',
            points: [10.5, 20.25, 40, 41],
          },
        ],
      },
      {
        id: 'T2',
        label: 'T2 lung, lung T2',
        role: 'target',
        nodal: false,
        status: 'baseline',
        measurements: [
          { longMm: 25, shortMm: null, sopInstanceUid: '2.25.1002', points: [10.5, 20.25, 30, 40] },
        ],
      },
      {
        id: 'N1',
        label: 'N1 lymph node, lymph node N1',
        role: 'target',
        nodal: true,
        status: 'baseline',
        measurements: [
          {
            longMm: 24,
            shortMm: 18,
            sopInstanceUid: '2.25.1003',
            points: [1, 2, 3, 4, 5, 6, 7, 8],
          },
        ],
      },
      {
        id: 'NT1',
        label: 'NT1 bone',
        role: 'non-target',
        nodal: false,
        status: 'baseline',
        measurements: [],
      },
    ]);
  });

  it('reads back with dicom-parser, an independent reader: class, template, lesion IDs and values', () => {
    const p = dicomParser.parseDicom(bytes);
    expect(p.string('x00080016')).toBe('1.2.840.10008.5.1.4.1.1.88.34');
    expect(p.string('x00100020')).toBe('TB-SUBJ01');
    const root = p.elements.x0040a730!.items!;
    const tpl = p.elements.x0040a504!.items![0]!.dataSet!;
    expect(tpl.string('x0040db00')).toBe('1500');
    const cv = (d: dicomParser.DataSet) =>
      d.elements.x0040a043?.items?.[0]?.dataSet?.string('x00080100');
    const measurements = root.find((i) => cv(i.dataSet!) === '126010')!.dataSet!;
    const groups = measurements.elements.x0040a730!.items!.map((g) => g.dataSet!);
    const found = groups.map((g) => {
      const items = g.elements.x0040a730!.items!.map((i) => i.dataSet!);
      const id = items.find((i) => cv(i) === 'LESION-ID')!.string('x0040a160');
      const values = items
        .filter((i) => cv(i) === '103339001' || cv(i) === '103340004')
        .map((i) => Number(i.elements.x0040a300!.items![0]!.dataSet!.string('x0040a30a')));
      return [id, values];
    });
    expect(found).toEqual([
      ['T1', [42.5]],
      ['T2', [25]],
      ['N1', [24, 18]],
      ['NT1', []],
    ]);
  });

  it('each group labels its lesion with a (121106, DCM, "Comment") TEXT item, read back the same', () => {
    // dicom-parser, independently of dcmjs: the code, its scheme and the text per group.
    const p = dicomParser.parseDicom(bytes);
    const code = (d: dicomParser.DataSet) => d.elements.x0040a043?.items?.[0]?.dataSet;
    const measurements = p.elements
      .x0040a730!.items!.map((i) => i.dataSet!)
      .find((d) => code(d)?.string('x00080100') === '126010')!;
    const comments = measurements.elements.x0040a730!.items!.map((g) =>
      g
        .dataSet!.elements.x0040a730!.items!.map((i) => i.dataSet!)
        .filter((i) => code(i)?.string('x00080100') === '121106')
        .map((i) => [
          code(i)!.string('x00080102'),
          code(i)!.string('x00080104'),
          i.string('x0040a040'),
          i.string('x0040a010'),
          i.text('x0040a160'),
        ]),
    );
    expect(comments).toEqual([
      [['DCM', 'Comment', 'TEXT', 'CONTAINS', 'T1 liver, liver T1']],
      [['DCM', 'Comment', 'TEXT', 'CONTAINS', 'T2 lung, lung T2']],
      [['DCM', 'Comment', 'TEXT', 'CONTAINS', 'N1 lymph node, lymph node N1']],
      [['DCM', 'Comment', 'TEXT', 'CONTAINS', 'NT1 bone']],
    ]);
    expect(lesionsFromSr(decodeSr(bytes)).lesions.map((l) => l.label)).toEqual(
      comments.map((c) => c[0]![4]),
    );
    // An SR without the item (an older export) reads back with no label, not a wrong one.
    const old = structuredClone(ds) as { ContentSequence: { ContentSequence?: unknown[] }[] };
    for (const g of old.ContentSequence[5]!.ContentSequence as { ContentSequence: unknown[] }[])
      g.ContentSequence = g.ContentSequence.filter((i) => !JSON.stringify(i).includes('"121106"'));
    expect(lesionsFromSr(old).lesions.map((l) => l.label)).toEqual([null, null, null, null]);
    if (which('dsrdump')) {
      const dump = spawnSync('dsrdump', ['+Pc', write(bytes)], { encoding: 'utf8' });
      expect(dump.stdout).toContain('<contains TEXT:(121106,DCM,"Comment")="T1 liver, liver T1">');
      expect(dump.stdout).toContain('<contains TEXT:(121106,DCM,"Comment")="NT1 bone">');
    }
  });

  it('a follow-up carries its statuses, the computed response and the same tracking UIDs', () => {
    const f = followUp(
      56,
      [meas('T1', 20), { id: 'T2', status: 'too-small' }, meas('N1', 13, 9)],
      [['NT1', 'non-CR/non-PD']],
      [{ id: 'X1', location: 'bone', status: 'equivocal' }],
    );
    const [a] = assessTimepoints(b0, [f], DEFAULT_SETTINGS);
    const fds = measurementReport({
      readId: 'cd'.repeat(32),
      read: f,
      signature: sig,
      baseline: b0,
      assessment: a!,
      image,
    });
    const back = lesionsFromSr(decodeSr(encodeSr(fds)));
    expect(back.overall).toBe('PR');
    expect(back.sumMm).toBe(34);
    expect(back.lesions.map((l) => [l.id, l.status, l.measurements.map((x) => x.longMm)])).toEqual([
      ['T1', 'measured', [20]],
      ['T2', 'too-small', []],
      ['N1', 'measured', [13]],
      ['NT1', 'non-target:non-CR/non-PD', []],
    ]);
    const uid = (d: Record<string, unknown>) => JSON.stringify(d).match(/"UID":"([0-9.]+)"/g);
    expect(uid(fds)).toEqual(uid(ds));
  });

  it('a value typed by hand (no caliper points) still names its image', () => {
    const manual = baseline([
      {
        ...target('T1', 'liver', 30),
        measurement: { ...m(30, undefined, '2.25.2001'), points: [] },
      },
    ]);
    const mds = measurementReport({
      readId: 'ef'.repeat(32),
      read: manual,
      signature: sig,
      baseline: manual,
      assessment: null,
      image,
    });
    const back = lesionsFromSr(decodeSr(encodeSr(mds)));
    expect(back.lesions[0]!.measurements).toEqual([
      { longMm: 30, shortMm: null, sopInstanceUid: '2.25.2001', points: [] },
    ]);
    if (which('dciodvfy')) {
      const v = spawnSync('dciodvfy', [write(encodeSr(mds))], { encoding: 'utf8' });
      expect(`${v.stdout}\n${v.stderr}`.split('\n').filter((l) => l.startsWith('Error'))).toEqual(
        [],
      );
    }
  });

  it('dcmdump parses it and dciodvfy finds no error in the SR IOD (where installed)', (ctx) => {
    if (!which('dcmdump') || !which('dciodvfy')) {
      console.warn('SKIPPED: dcmdump/dciodvfy not installed');
      ctx.skip();
      return;
    }
    const path = write(bytes);
    const dump = spawnSync('dcmdump', ['+L', path], { encoding: 'utf8' });
    expect(dump.status).toBe(0);
    expect(dump.stdout).toContain('[Imaging Measurement Report]');
    expect(dump.stdout).toContain('[Long Axis]');
    expect(dump.stdout).toContain('(0040,a30a) DS [42.5]');
    const v = spawnSync('dciodvfy', [path], { encoding: 'utf8' });
    const errors = `${v.stdout}\n${v.stderr}`.split('\n').filter((l) => l.startsWith('Error'));
    expect(errors).toEqual([]);
  });
});
