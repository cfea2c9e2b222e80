// Subjects by their one keyed reference (src/core/ledger/subjects.ts), resolved on this
// device through the local index and the local key: which subjects a folder or series
// holds (for the entries that name them), and which patients and series a reference
// stands for (for the subject timeline). Nothing here leaves the device.
import { subjectRef } from '../core/ledger/subject-ref';
import type { IndexStore, SeriesRow } from '../core/ports/store';

export interface SubjectSource {
  store: Pick<IndexStore, 'listSeries' | 'listInstances'>;
  /** The local pseudonym key (the de-identification key). */
  key: () => Promise<Uint8Array>;
}

/** One subject as this device knows it. */
export interface LocalSubject {
  ref: string;
  /** The patient IDs the reference stands for here (local only). */
  patientIds: string[];
  series: SeriesRow[];
}

export class SubjectDirectory {
  /** Series UID -> its subject, while the series and the key stay the same. */
  private cache = new Map<string, { instances: number; ref: string | null }>();
  private cachedKey = '';

  constructor(private readonly src: SubjectSource) {}

  /** The reference of one series' subject, from its first present instance. */
  private async refOf(key: Uint8Array, s: SeriesRow): Promise<string | null> {
    const keyText = key.join(',');
    if (keyText !== this.cachedKey) {
      this.cache.clear();
      this.cachedKey = keyText;
    }
    const known = this.cache.get(s.seriesInstanceUid);
    if (known && known.instances === s.instances) return known.ref;
    const ref = await this.readRef(key, s);
    this.cache.set(s.seriesInstanceUid, { instances: s.instances, ref });
    return ref;
  }

  private async readRef(key: Uint8Array, s: SeriesRow): Promise<string | null> {
    const first = (await this.src.store.listInstances(s.seriesInstanceUid)).find((i) => !i.missing);
    return subjectRef(key, {
      patientId: first?.patientId || s.patientId,
      clinicalTrialSiteId: first?.clinicalTrialSiteId ?? '',
      clinicalTrialSubjectId: first?.clinicalTrialSubjectId ?? '',
    });
  }

  private async refs(series: readonly SeriesRow[]): Promise<string[]> {
    const key = await this.src.key();
    const out = new Set<string>();
    for (const s of series) {
      const ref = await this.refOf(key, s);
      if (ref) out.add(ref);
    }
    return [...out].sort();
  }

  /** The subjects with instances in a folder, sorted. */
  async ofFolder(folderId: string): Promise<string[]> {
    return this.refs(await this.src.store.listSeries({ folderId }));
  }

  /** The subjects of these series (by UID), sorted. */
  async ofSeries(uids: readonly string[]): Promise<string[]> {
    const wanted = new Set(uids);
    const all = await this.src.store.listSeries({});
    return this.refs(all.filter((s) => wanted.has(s.seriesInstanceUid)));
  }

  /** The subject of one series, or null when it names no patient. */
  async ofOneSeries(uid: string): Promise<string | null> {
    return (await this.ofSeries([uid]))[0] ?? null;
  }

  /** Every subject in the local index, with what its reference stands for here. */
  async all(): Promise<LocalSubject[]> {
    const key = await this.src.key();
    const by = new Map<string, LocalSubject>();
    for (const s of await this.src.store.listSeries({})) {
      const ref = await this.refOf(key, s);
      if (!ref) continue;
      const known = by.get(ref) ?? { ref, patientIds: [], series: [] };
      if (s.patientId && !known.patientIds.includes(s.patientId))
        known.patientIds.push(s.patientId);
      known.series.push(s);
      by.set(ref, known);
    }
    return [...by.values()].sort((a, b) => a.ref.localeCompare(b.ref));
  }

  /** One subject by reference (null when the local index holds none of its series). */
  async resolve(ref: string): Promise<LocalSubject | null> {
    return (await this.all()).find((s) => s.ref === ref) ?? null;
  }
}
