// An in-memory index store: for tests and for a page where IndexedDB is unavailable
// (e.g. some private-browsing modes). Same contract as the Dexie store.
import type {
  FileRecord,
  FolderRecord,
  IndexCounts,
  IndexStore,
  InstanceRow,
  ScanBatch,
  SeriesFilter,
  SeriesHeader,
  SeriesRow,
} from '../../core/ports/store';
import { matchesFilter, summariseSeries } from '../../core/scan/series';
import {
  protocolConflict,
  type ProtocolRecord,
  type ProtocolStore,
  type PutProtocolResult,
} from '../../core/ports/protocol-store';

export class MemoryIndexStore implements IndexStore, ProtocolStore {
  private protocols = new Map<string, ProtocolRecord>();

  async putProtocol(record: ProtocolRecord): Promise<PutProtocolResult> {
    const conflict = protocolConflict(this.protocols.get(record.key), record);
    if (conflict) return conflict;
    this.protocols.set(record.key, structuredClone(record));
    return { ok: true };
  }

  async listProtocols(): Promise<ProtocolRecord[]> {
    return [...this.protocols.values()].map((p) => structuredClone(p));
  }

  private folders = new Map<string, FolderRecord>();
  private files = new Map<string, FileRecord>();
  private instances = new Map<string, InstanceRow>();
  private series = new Map<string, SeriesRow>();
  private headers = new Map<string, SeriesHeader>();

  async putFolder(folder: FolderRecord): Promise<void> {
    this.folders.set(folder.id, structuredClone(folder));
  }

  async listFolders(): Promise<FolderRecord[]> {
    return [...this.folders.values()].map((f) => structuredClone(f));
  }

  async removeFolder(id: string): Promise<void> {
    const touched = new Set<string>();
    for (const [key, row] of this.instances) {
      if (row.folderId !== id) continue;
      touched.add(row.seriesInstanceUid);
      this.instances.delete(key);
    }
    for (const [key, row] of this.files) if (row.folderId === id) this.files.delete(key);
    this.folders.delete(id);
    this.refresh(touched);
  }

  async listFiles(folderId: string): Promise<FileRecord[]> {
    return [...this.files.values()].filter((f) => f.folderId === folderId).map(clone);
  }

  async applyBatch(batch: ScanBatch): Promise<void> {
    const touched = new Set<string>();
    for (const id of [...batch.removedInstanceIds, ...batch.instances.map((i) => i.id)]) {
      const old = this.instances.get(id);
      if (old) touched.add(old.seriesInstanceUid);
    }
    for (const id of batch.removedInstanceIds) this.instances.delete(id);
    for (const f of batch.files) this.files.set(f.id, clone(f));
    for (const i of batch.instances) {
      this.instances.set(i.id, clone(i));
      touched.add(i.seriesInstanceUid);
    }
    const rewritten = new Set([...batch.removedInstanceIds, ...batch.instances.map((i) => i.id)]);
    for (const h of batch.headers) {
      const old = this.headers.get(h.seriesInstanceUid);
      if (!old || rewritten.has(old.instanceId)) this.headers.set(h.seriesInstanceUid, clone(h));
    }
    this.refresh(touched);
  }

  async markMissing(fileIds: string[]): Promise<void> {
    const touched = new Set<string>();
    for (const id of fileIds) {
      const file = this.files.get(id);
      if (file) file.status = 'missing';
      const row = this.instances.get(id);
      if (row) {
        row.missing = true;
        touched.add(row.seriesInstanceUid);
      }
    }
    this.refresh(touched);
  }

  private refresh(uids: Set<string>): void {
    for (const uid of uids) {
      const rows = [...this.instances.values()].filter((i) => i.seriesInstanceUid === uid);
      const row = summariseSeries(rows);
      if (row) this.series.set(uid, row);
      else {
        this.series.delete(uid);
        this.headers.delete(uid);
      }
    }
  }

  async listSeries(filter: SeriesFilter = {}): Promise<SeriesRow[]> {
    return [...this.series.values()].filter((s) => matchesFilter(s, filter)).map(clone);
  }

  async listInstances(seriesInstanceUid: string): Promise<InstanceRow[]> {
    return [...this.instances.values()]
      .filter((i) => i.seriesInstanceUid === seriesInstanceUid)
      .sort((a, b) => (a.instanceNumber ?? 0) - (b.instanceNumber ?? 0))
      .map(clone);
  }

  async seriesHeader(uid: string): Promise<SeriesHeader | undefined> {
    const h = this.headers.get(uid);
    return h && clone(h);
  }

  async listProblems(folderId?: string): Promise<FileRecord[]> {
    return [...this.files.values()]
      .filter((f) => f.status === 'problem' && (!folderId || f.folderId === folderId))
      .sort((a, b) => a.path.localeCompare(b.path))
      .map(clone);
  }

  async counts(): Promise<IndexCounts> {
    const files = [...this.files.values()];
    const byStatus = (status: FileRecord['status']) =>
      files.filter((f) => f.status === status).length;
    return {
      files: files.length,
      instances: [...this.instances.values()].filter((i) => !i.missing).length,
      series: this.series.size,
      problems: byStatus('problem'),
      dicomdirs: byStatus('dicomdir'),
      missing: byStatus('missing'),
    };
  }
}

function clone<T>(value: T): T {
  return structuredClone(value);
}
