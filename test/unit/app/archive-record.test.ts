// Every mutating archive action records exactly one ledger entry, and its body carries
// counts, label, kind and a hash: no patient names, ids or UIDs.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { inflateRawSync } from 'node:zlib';
import { ArchiveService } from '../../../src/app/archive-service';
import { MemoryIndexStore } from '../../../src/adapters/storage/memory-store';
import { indexFile } from '../../../src/core/index/index-file';
import { writePart10, type DataElement } from '../../../src/core/dicom/writer';
import type { Json } from '../../../src/core/ledger/types';
import type { FolderRecord } from '../../../src/core/ports/store';
import { bodyProblem, type EntryType } from '../../../src/core/ledger/policy';
import { keyedPseudonym } from '../../../src/core/deid/run/pseudonym';
import { SubjectDirectory } from '../../../src/app/subjects';

const KEY = new Uint8Array(32).fill(7);
/** PATIENT-7 at no site, as every entry about it names it (issue 11 §2). */
const PATIENT_7 = keyedPseudonym(KEY, '', 'PATIENT-7');

function ct(series: number, n: number): Uint8Array<ArrayBuffer> {
  const ds: DataElement[] = [
    { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.2' },
    { tag: 0x00080018, vr: 'UI', value: `1.2.826.0.1.${series}.${n}` },
    { tag: 0x00080020, vr: 'DA', value: '20240305' },
    { tag: 0x00080060, vr: 'CS', value: 'CT' },
    { tag: 0x00100010, vr: 'PN', value: 'DOE^JANE' },
    { tag: 0x00100020, vr: 'LO', value: 'PATIENT-7' },
    { tag: 0x0020000d, vr: 'UI', value: '1.2.826.0.1' },
    { tag: 0x0020000e, vr: 'UI', value: `1.2.826.0.1.${series}` },
    { tag: 0x00200011, vr: 'IS', value: String(series) },
    { tag: 0x00200013, vr: 'IS', value: String(n) },
    { tag: 0x7fe00010, vr: 'OW', value: new Uint8Array(32) },
  ];
  return writePart10(ds) as Uint8Array<ArrayBuffer>;
}

/** A directory handle over a Map, enough for walkDirectory and isSameEntry. */
class FakeDir {
  readonly kind = 'directory';
  files = new Map<string, File>();
  subdirs = new Map<string, FakeDir>();
  constructor(readonly name: string) {}
  async *values() {
    for (const d of this.subdirs.values()) yield d;
    for (const [name, file] of this.files) yield { kind: 'file', name, getFile: async () => file };
  }
  async isSameEntry(other: unknown) {
    return other === this;
  }
  async removeEntry(name: string) {
    this.subdirs.delete(name);
  }
  async getDirectoryHandle(name: string) {
    const d = new FakeDir(name);
    this.subdirs.set(name, d);
    return d;
  }
  write(name: string, bytes: Uint8Array<ArrayBuffer>) {
    this.files.set(name, new File([bytes], name, { lastModified: 1 }));
  }
}

/** Real directory handles survive structured cloning; this fake keeps them beside the rows. */
class HandleKeepingStore extends MemoryIndexStore {
  private handles = new Map<string, unknown>();
  override async putFolder(folder: FolderRecord) {
    this.handles.set(folder.id, folder.handle);
    await super.putFolder({ ...folder, handle: undefined });
  }
  override async listFolders() {
    return (await super.listFolders()).map((f) => ({ ...f, handle: this.handles.get(f.id) }));
  }
}

interface Recorded {
  type: string;
  body: { [key: string]: Json };
}

function service() {
  const recorded: Recorded[] = [];
  const store = new HandleKeepingStore();
  const subjects = new SubjectDirectory({ store, key: async () => KEY });
  const archive = new ArchiveService({
    store,
    subjects: (folderId) => subjects.ofFolder(folderId),
    indexFile: async (file) =>
      indexFile(
        {
          size: file.size,
          read: async (s, t) => new Uint8Array(await file.slice(s, t).arrayBuffer()),
        },
        { inflate: async (d, max) => inflateRawSync(d, { maxOutputLength: max }) },
      ),
    concurrency: 2,
    writeDemo: async (dir) => {
      const d = dir as unknown as FakeDir;
      for (let n = 1; n <= 3; n++) d.write(`${n}.dcm`, ct(5, n));
      return 3;
    },
    record: async (type, body) => {
      recorded.push({ type, body });
      return null;
    },
  });
  return { archive, recorded };
}

const noProgress = () => undefined;
const signal = () => new AbortController().signal;

function expectAnonymous(r: Recorded) {
  const text = JSON.stringify(r.body);
  expect(text).not.toMatch(/DOE|JANE|PATIENT-7|1\.2\.826/);
  // The body is one a peer accepts, and names the folder's subject by keyed reference.
  expect(bodyProblem(r.type as EntryType, r.body)).toBeNull();
  expect(r.body.subjects).toEqual([PATIENT_7]);
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('ArchiveService records through the ledger', () => {
  it('upload, rescan and remove: one entry each', async () => {
    const { archive, recorded } = service();
    const files = [ct(1, 1), ct(1, 2), ct(2, 1), new Uint8Array(10)].map((b, i) => {
      const f = new File([b], `${i}.dcm`, { lastModified: 1 });
      Object.defineProperty(f, 'webkitRelativePath', { value: `case1/${i}.dcm` });
      return f;
    });
    await archive.openFileList(files as unknown as FileList, noProgress, signal());
    expect(recorded.map((r) => r.type)).toEqual(['folder.open']);
    const open = recorded[0]!.body;
    expect(open).toMatchObject({
      label: 'case1',
      kind: 'input',
      files: 4,
      instances: 3,
      series: 2,
    });
    expect(open.problems).toBe(1);
    expect(open.contentHash).toMatch(/^[0-9a-f]{64}$/);
    const folderId = open.folder as string;

    await archive.rescan(folderId, noProgress, signal());
    expect(recorded.map((r) => r.type)).toEqual(['folder.open', 'folder.scan']);
    const scan = recorded[1]!.body;
    expect(scan).toMatchObject({ folder: folderId, files: 4, added: 0, changed: 0, removed: 0 });
    expect(scan.contentHash).toBe(open.contentHash);
    expect(scan.previous).toEqual({ files: 4, instances: 3, series: 2, problems: 1 });

    await archive.removeFolder(folderId);
    expect(recorded.map((r) => r.type)).toEqual(['folder.open', 'folder.scan', 'folder.remove']);
    expect(recorded[2]!.body).toMatchObject({ folder: folderId, label: 'case1' });
    recorded.forEach(expectAnonymous);
  });

  it('a dropped folder records one open; dropping it again records one scan', async () => {
    const { archive, recorded } = service();
    const dir = new FakeDir('site-a');
    dir.write('a.dcm', ct(3, 1));
    const items = [{ kind: 'file', getAsFileSystemHandle: async () => dir }];
    await archive.openDropped(items as unknown as DataTransferItemList, noProgress, signal());
    expect(recorded.map((r) => r.type)).toEqual(['folder.open']);
    expect(recorded[0]!.body).toMatchObject({ label: 'site-a', kind: 'fsa', instances: 1 });
    dir.write('b.dcm', ct(3, 2));
    await archive.openDropped(items as unknown as DataTransferItemList, noProgress, signal());
    expect(recorded.map((r) => r.type)).toEqual(['folder.open', 'folder.scan']);
    expect(recorded[1]!.body).toMatchObject({ added: 1, instances: 2 });
    expect(recorded[0]!.body.contentHash).not.toBe(recorded[1]!.body.contentHash);
    recorded.forEach(expectAnonymous);
  });

  it('the picker and the demo record one open each', async () => {
    const { archive, recorded } = service();
    const picked = new FakeDir('picked');
    picked.write('x.dcm', ct(4, 1));
    const root = new FakeDir('opfs');
    vi.stubGlobal('window', { showDirectoryPicker: async () => picked });
    vi.stubGlobal('navigator', { storage: { getDirectory: async () => root } });
    await archive.pickFolder(noProgress, signal());
    expect(recorded.map((r) => r.type)).toEqual(['folder.open']);
    await archive.openDemo(noProgress, signal());
    await archive.openDemo(noProgress, signal());
    expect(recorded.map((r) => r.type)).toEqual(['folder.open', 'folder.open', 'folder.open']);
    expect(recorded[2]!.body).toMatchObject({ kind: 'demo', label: 'Demo archive', instances: 3 });
    recorded.forEach(expectAnonymous);
  });

  it('read-only actions record nothing', async () => {
    const { archive, recorded } = service();
    await archive.listFolders();
    await archive.listSeries({});
    await archive.counts();
    await archive.listProblems();
    expect(recorded).toEqual([]);
  });
});
