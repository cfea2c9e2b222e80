// Every closed failure code of de-identification, QC and thumbnails is reachable through the
// module that returns it, and arrives as a value whose code callers branch on (never its
// message). The lists below are Records over each code union, so a new code fails to compile
// here until a case reaches it.
import { afterEach, describe, expect, it } from 'vitest';
import { DeidService } from '../../../src/app/deid-service';
import { DeidCustody } from '../../../src/app/deid/custody';
import { exportKeyBackup } from '../../../src/app/deid/key-backup';
import { DeidReview, reviewOf } from '../../../src/app/deid/review';
import { QcService } from '../../../src/app/qc-service';
import { MemoryIndexStore } from '../../../src/adapters/storage/memory-store';
import { writePart10, type DataElement } from '../../../src/core/dicom/writer';
import { parseDicomBytes } from '../../../src/core/dicom/file';
import { DEMO_PROTOCOL } from '../../../src/core/demo/protocol';
import {
  renderThumbnail,
  renderThumbnailWith,
  type NoThumbnailCode,
} from '../../../src/core/image/thumbnail';
import { qcAll } from '../../../src/core/qc/engine';
import type { Role } from '../../../src/core/ledger/types';
import { basicProfile } from '../../../src/core/deid/profile';
import { runDeid, type DeidJob } from '../../../workers/deid-run';
import type { DeidRequest } from '../../../src/ui/state/deid-api';
import type { DeidFailureCode, DeidResult } from '../../../src/ui/state/deid-result';
import type { QcRefusalCode } from '../../../src/ui/state/qc-api';
import type { DeidKeyStore } from '../../../src/app/deid/key-store';

const PASS = 'a passphrase long enough';
const key = new Uint8Array(32).fill(5);

const codeOf = (r: DeidResult<unknown>): DeidFailureCode | 'resolved' =>
  r.ok ? 'resolved' : r.code;

/** A folder handle over files in memory: enough for listing, reading and comparing. */
function folder(name: string, files: Record<string, Uint8Array> = {}): FileSystemDirectoryHandle {
  const self = {
    kind: 'directory',
    name,
    isSameEntry: async (other: unknown) => other === self,
    resolve: async () => null,
    getDirectoryHandle: async () => self,
    getFileHandle: async (n: string) => ({
      getFile: async () => new File([(files[n] ?? new Uint8Array()) as Uint8Array<ArrayBuffer>], n),
    }),
  };
  return self as unknown as FileSystemDirectoryHandle;
}

function deidService(handle: FileSystemDirectoryHandle | null, instances: { path: string }[] = []) {
  return new DeidService({
    store: {
      listFolders: async () => [{ id: 'in', label: 'In', handle } as never],
      listSeries: async () => [],
      listInstances: async (uid: string) =>
        uid === '2.25.1'
          ? instances.map((i) => ({ ...i, folderId: 'in', missing: false }) as never)
          : [],
    },
    keys: { key: async () => key } as unknown as DeidKeyStore,
    record: async () => undefined,
    runBy: async () => 'Ann',
    role: async () => 'admin',
  });
}

const request: DeidRequest = {
  inputId: 'in',
  profile: basicProfile('Basic Profile'),
  siteRules: [],
  trial: {},
};

function custody(role: Role | null) {
  let current: Uint8Array = key;
  return new DeidCustody({
    keys: { key: async () => current, replace: async (k) => void (current = k) },
    record: async () => undefined,
    role: async () => role,
    patients: async () => [],
  });
}

function dicom(attrs: DataElement[]): Uint8Array {
  const ds: DataElement[] = [
    { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.4' },
    { tag: 0x00080018, vr: 'UI', value: '2.25.9' },
    { tag: 0x0020000e, vr: 'UI', value: '2.25.99' },
    { tag: 0x00280002, vr: 'US', value: 1 },
    { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
    { tag: 0x00280010, vr: 'US', value: 8 },
    { tag: 0x00280011, vr: 'US', value: 8 },
    { tag: 0x00280100, vr: 'US', value: 8 },
    { tag: 0x00280101, vr: 'US', value: 8 },
    { tag: 0x00280103, vr: 'US', value: 0 },
    ...attrs,
    { tag: 0x7fe00010, vr: 'OB', value: new Uint8Array(64) },
  ];
  return writePart10(ds.sort((a, b) => a.tag - b.tag));
}
const cs = (tag: number, value: string): DataElement => ({ tag, vr: 'CS', value });
const parsed = (bytes: Uint8Array) => {
  const out = parseDicomBytes(bytes);
  if (out.kind !== 'parsed') throw new Error(`fixture did not parse: ${out.kind}`);
  return out.dicom;
};

afterEach(() => {
  delete (globalThis as { showDirectoryPicker?: unknown }).showDirectoryPicker;
});

describe('de-identification failure codes', () => {
  it('reaches every DeidFailureCode', async () => {
    const reached = new Set<string>();
    const expectCode = (r: DeidResult<unknown>, code: DeidFailureCode) => {
      expect(codeOf(r)).toBe(code);
      reached.add(code);
    };
    // The app's service: output folder, input folder, preview.
    const none = deidService(null);
    expectCode(await none.pickOutput(), 'no-folder-access');
    expectCode(await none.run(request, () => undefined), 'no-output');
    (globalThis as { showDirectoryPicker?: unknown }).showDirectoryPicker = async () =>
      folder('out');
    expect(await none.pickOutput()).toEqual({ ok: true, value: 'out' });
    expectCode(await none.run(request, () => undefined), 'input-unavailable');
    expectCode(await none.preview('2.25.404', request), 'no-instance');
    expectCode(
      await deidService(null, [{ path: 'a.dcm' }]).preview('2.25.1', request),
      'input-unavailable',
    );
    const junk = folder('in', { 'a.dcm': new TextEncoder().encode('not DICOM') });
    expectCode(
      await deidService(junk, [{ path: 'a.dcm' }]).preview('2.25.1', request),
      'unreadable-file',
    );
    // The worker's run refuses overlapping folders before it reads anything.
    const same = folder('same');
    const job = { input: same, output: same } as unknown as DeidJob;
    expectCode(await runDeid(job, () => undefined, []), 'folders-overlap');

    // Custody of the key and the re-identification map.
    const admin = custody('admin');
    expectCode(await admin.exportKey('short'), 'short-passphrase');
    expectCode(await admin.confirmKeyImport('abcd:abcd:abcd:abcd:abcd'), 'backup-not-open');
    expectCode(await custody('site').exportReidMap({ inputId: 'in', siteRules: [] }), 'not-admin');
    const backup = await exportKeyBackup(new Uint8Array(32).fill(9), PASS, 100_000);
    const edit = (f: (o: Record<string, unknown>) => void) => {
      const o = JSON.parse(backup) as Record<string, unknown>;
      f(o);
      return JSON.stringify(o);
    };
    const cases: Array<[string, string, DeidFailureCode]> = [
      ['not json', PASS, 'not-json'],
      ['{"format":"other"}', PASS, 'not-a-key-backup'],
      [edit((o) => (o.v = 2)), PASS, 'unsupported-version'],
      [edit((o) => (o.cipher = 'DES')), PASS, 'unsupported-kdf'],
      [backup, 'the wrong passphrase', 'wrong-passphrase-or-damaged'],
      // A 16-byte key, sealed honestly: it opens, but is no pseudonym key.
      [await exportKeyBackup(new Uint8Array(16).fill(9), PASS, 100_000), PASS, 'inconsistent'],
    ];
    for (const [text, pass, code] of cases) expectCode(await admin.openKeyBackup(text, pass), code);

    const all: Record<DeidFailureCode, true> = {
      'no-folder-access': true,
      'no-output': true,
      'input-unavailable': true,
      'folders-overlap': true,
      'no-instance': true,
      'unreadable-file': true,
      'short-passphrase': true,
      'backup-not-open': true,
      'not-admin': true,
      'not-json': true,
      'not-a-key-backup': true,
      'unsupported-version': true,
      'unsupported-kdf': true,
      'wrong-passphrase-or-damaged': true,
      inconsistent: true,
    };
    expect([...reached].sort()).toEqual(Object.keys(all).sort());
  });
});

describe('thumbnail codes', () => {
  it('reaches every NoThumbnailCode', async () => {
    const reached = new Set<string>();
    const note = (t: object) => {
      expect('code' in t).toBe(true);
      if ('code' in t) reached.add(t.code as string);
    };
    const us = dicom([cs(0x00080060, 'US')]);
    note(reviewOf(dicom([cs(0x00080060, 'US'), cs(0x00280301, 'NO')]), 1)!.thumbnail);
    note(reviewOf(us, 1, false)!.thumbnail);
    // Pixels no thumbnail is drawn for (64 bytes hold one 8x8 frame, not the middle of four);
    // a compressed frame with no decoder at hand, and with a decoder that refuses it.
    note(renderThumbnail(parsed(dicom([{ tag: 0x00280008, vr: 'IS', value: '4' }]))));
    const jpeg = parsed(
      writePart10(
        [
          { tag: 0x00280002, vr: 'US', value: 1 },
          { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
          { tag: 0x00280010, vr: 'US', value: 8 },
          { tag: 0x00280011, vr: 'US', value: 8 },
          { tag: 0x00280100, vr: 'US', value: 8 },
          { tag: 0x7fe00010, vr: 'OB', value: { fragments: [Uint8Array.from([0xff, 0xd8])] } },
        ],
        { transferSyntaxUid: '1.2.840.10008.1.2.4.50' },
      ),
    );
    note(renderThumbnail(jpeg));
    note(await renderThumbnailWith(jpeg, { decode: async () => 'refused' }));
    // The review queue over a folder whose thumbnail worker fails.
    const review = new DeidReview({
      store: {
        listSeries: async () => [
          {
            seriesInstanceUid: '2.25.1',
            patientId: 'P',
            seriesDescription: '',
            modality: 'US',
            bodyPartExamined: '',
          } as never,
        ],
        listInstances: async () =>
          [
            { folderId: 'in', path: 'a.dcm', missing: false, pixelDataOffset: us.length - 72 },
          ] as never,
      },
      inputHandle: async () => ({ ok: true, value: folder('in', { 'a.dcm': us }) }),
      key: async () => key,
      record: async () => undefined,
      runBy: async () => 'Ann',
      storage: { getItem: () => null, setItem: () => {} },
      thumbnail: () => Promise.reject(new Error('worker gone')),
    });
    const queue = await review.queue('in');
    expect(queue.ok).toBe(true);
    if (queue.ok) note(queue.value[0]!.thumbnail);
    // QC's thumbnail: no file access here, and a series with no image.
    const qc = new QcService({
      store: new MemoryIndexStore(),
      check: async (p, s) => qcAll(p, s),
      record: async () => undefined,
      key: async () => key,
      now: () => new Date('2024-06-01T00:00:00Z'),
    });
    note(await qc.thumbnail('2.25.1'));
    const reader = new QcService({
      store: new MemoryIndexStore(),
      check: async (p, s) => qcAll(p, s),
      record: async () => undefined,
      key: async () => key,
      now: () => new Date('2024-06-01T00:00:00Z'),
      readFile: async () => new File([], 'x'),
    });
    note(await reader.thumbnail('2.25.1'));
    const all: Record<NoThumbnailCode, true> = {
      'not-at-risk': true,
      'not-drawn-yet': true,
      undrawable: true,
      'no-decoder': true,
      'decode-failed': true,
      unreadable: true,
      'no-image': true,
      'worker-failed': true,
    };
    expect([...reached].sort()).toEqual(Object.keys(all).sort());
  });
});

describe('QC refusal codes', () => {
  it('reaches every QcRefusalCode', async () => {
    const reached = new Set<string>();
    const text = `${JSON.stringify(DEMO_PROTOCOL, null, 2)}\n`;
    const store = new MemoryIndexStore();
    let refuse = false;
    const qc = new QcService({
      store,
      check: async (p, s) => qcAll(p, s),
      record: async () => {
        if (refuse) throw new Error('refused by the ledger');
      },
      key: async () => key,
      now: () => new Date('2024-06-01T00:00:00Z'),
    });
    const note = (r: { ok: boolean; code?: string }) => {
      expect(r.ok).toBe(false);
      if (r.code) reached.add(r.code);
    };
    expect((await qc.publish(text)).ok).toBe(true);
    note(await qc.publish(text.replace(DEMO_PROTOCOL.title, `${DEMO_PROTOCOL.title} changed`)));
    refuse = true;
    const v2 = JSON.stringify({ ...DEMO_PROTOCOL, version: DEMO_PROTOCOL.version + 1 });
    note(await qc.publish(v2));
    refuse = false;
    // The store refuses after the check (another tab stored other content meanwhile).
    store.putProtocol = async () => ({ ok: false, code: 'version-exists', reason: 'taken' });
    note(await qc.publish(v2));
    note(
      await qc.review({
        seriesInstanceUid: '2.25.1',
        protocol: DEMO_PROTOCOL.id,
        version: DEMO_PROTOCOL.version,
        verdict: 'pass',
        reason: '  ',
        items: {},
      } as never),
    );
    const all: Record<QcRefusalCode, true> = {
      'version-conflict': true,
      'not-recorded': true,
      'not-stored': true,
      'no-reason': true,
    };
    expect([...reached].sort()).toEqual(Object.keys(all).sort());
  });
});
