// Packs (schema v7) give back exactly the rows packed, whatever varies between them.
import { describe, expect, it } from 'vitest';
import {
  packInstances,
  packsOf,
  unpackInstances,
  fileRecordsOf,
  type FileMeta,
} from '../../../src/adapters/storage/instance-packs';
import { instanceRow } from '../helpers/rows';

const meta = (n: number): FileMeta[] =>
  Array.from({ length: n }, () => ({
    mtime: 5,
    scannedAt: '2026-01-01T00:00:00.000Z',
    size: 1000,
  }));

describe('instance packs', () => {
  it('keeps shared values once and per-instance values in columns', () => {
    const rows = [1, 2, 3].map((n) =>
      instanceRow({
        id: `f1:${n}.dcm`,
        instanceNumber: n,
        geometry: [0, 0, n, 1, 0, 0, 0, 1, 0, NaN, 0.5],
      }),
    );
    const pack = packInstances('k', rows, meta(3));
    expect(pack.ids).toEqual(['f1:1.dcm', 'f1:2.dcm', 'f1:3.dcm']);
    expect(Object.keys(pack.varying).sort()).toEqual([
      'geometry',
      'instanceNumber',
      'path',
      'sopInstanceUid',
    ]);
    expect(pack.shared.patientName).toBe('DOE^JANE');
    // NaN (absent) and null values survive, shared or not.
    expect(unpackInstances(structuredClone(pack))).toEqual(rows);
  });

  it('gives back the file records of its instances, missing ones as missing', () => {
    const rows = [
      instanceRow({ id: 'f1:a/1.dcm' }),
      instanceRow({ id: 'f1:a/2.dcm', missing: true }),
    ];
    const pack = packInstances('k', rows, [
      { mtime: 7, scannedAt: 'then', size: 1000 },
      { mtime: null, scannedAt: '', size: 0 },
    ]);
    expect(fileRecordsOf(pack)).toEqual([
      {
        id: 'f1:a/1.dcm',
        folderId: 'f1',
        path: 'a/1.dcm',
        size: 1000,
        mtime: 7,
        status: 'indexed',
        seriesInstanceUid: '1.2.3.1',
        scannedAt: 'then',
      },
    ]);
    const both = packInstances('k', rows, meta(2));
    expect(fileRecordsOf(both).map((f) => f.status)).toEqual(['indexed', 'missing']);
  });

  it('gives each row its own arrays, and a row that lacked a field gets no value for it', () => {
    const a = instanceRow({ id: 'f1:a' });
    const { pixel: _p, ...b } = instanceRow({ id: 'f1:b' });
    const [ra, rb] = unpackInstances(packInstances('k', [a, b as typeof a], meta(2)));
    expect(rb).not.toHaveProperty('pixel', expect.anything());
    expect(ra!.pixel).toEqual(a.pixel);
    const [x, y] = unpackInstances(packInstances('k', [a, instanceRow({ id: 'f1:c' })], meta(2)));
    x!.geometry![0] = 99;
    expect(y!.geometry![0]).toBe(0);
  });

  it('splits rows by folder and series', () => {
    let n = 0;
    const packs = packsOf(
      [
        instanceRow({ id: 'f1:1' }),
        instanceRow({ id: 'f1:2', seriesInstanceUid: '9' }),
        instanceRow({ id: 'f2:3', folderId: 'f2' }),
        instanceRow({ id: 'f1:4' }),
      ],
      () => ({ mtime: 1, scannedAt: '', size: 1 }),
      () => `p${++n}`,
    );
    expect(packs.map((p) => [p.key, p.folderId, p.seriesInstanceUid, p.ids])).toEqual([
      ['p1', 'f1', '1.2.3.1', ['f1:1', 'f1:4']],
      ['p2', 'f1', '9', ['f1:2']],
      ['p3', 'f2', '1.2.3.1', ['f2:3']],
    ]);
  });
});
