// QC at intake, wired: protocol versions from the local store, series from the index, the
// check in the QC worker, and the ledger entries (protocol.publish, qc.auto, qc.review).
import * as Comlink from 'comlink';
import type { QcWorkerApi } from '../../workers/qc.worker';
import { QcState } from '../ui/state/qc.svelte';
import type { ArchiveState } from '../ui/state/archive.svelte';
import { DeidKeyStore } from './deid/key-store';
import { DEMO_PROTOCOL } from '../core/demo/protocol';
import { EXAMPLES } from '../core/protocol/examples';
import { checkProtocol, parseProtocol, publishProblems } from '../core/protocol/validate';
import type { PublishedVersion } from '../core/ledger/protocol-order';
import type { Protocol } from '../core/protocol/types';
import { qcSubject, type CheckedValue, type QcSeriesInput } from '../core/qc/engine';
import { seriesInput } from '../core/qc/input';
import { packSeries } from '../core/qc/packed';
import { completeness, DEFAULT_FIELDS } from '../core/qc/completeness';
import { protocolPublishBody, qcAutoBody, qcReviewBody, type ReviewInput } from '../core/qc/ledger';
import { sha256, utf8 } from '../core/deid/sha256';
import { hex } from '../core/protocol/validate';
import type { Json } from '../core/ledger/types';
import { parseSource } from '../core/dicom/inflating';
import { inflateRaw } from '../../workers/platform';
import { renderThumbnail, type NoThumbnail, type Thumbnail } from '../core/image/thumbnail';
import type { ProtocolStore } from '../core/ports/protocol-store';
import type { IndexStore } from '../core/ports/store';
import { hasPixelData } from '../core/index/record';
import type {
  ImportResult,
  NoCheckedValues,
  ProtocolVersionView,
  PublishResult,
  QcRefusal,
  QcApi,
  QcRun,
} from '../ui/state/qc-api';
import { SubjectDirectory } from './subjects';

export interface QcDeps {
  store: IndexStore & ProtocolStore;
  /** Runs the engine in the QC worker. */
  check: (protocols: Protocol[], series: QcSeriesInput[]) => Promise<Omit<QcRun, 'indexed'>>;
  record: (type: string, body: { [key: string]: Json }) => Promise<unknown>;
  /** The versions the ledger holds as published (its accepted protocol.publish entries). */
  published?: () => PublishedVersion[];
  /** The local key series references are keyed with (never leaves the device). */
  key: () => Promise<Uint8Array>;
  now: () => Date;
  /** Where the digest of the last recorded qc.auto body is kept, so a reload does not repeat it. */
  storage?: Pick<Storage, 'getItem' | 'setItem'>;
  /** Reads one indexed file (for the reviewer's thumbnail); absent: no thumbnails. */
  readFile?: (folderId: string, path: string) => Promise<Blob>;
}

const LAST_AUTO = 'trialbench.qc.lastAuto';

const pretty = (p: Protocol): string => `${JSON.stringify(p, null, 2)}\n`;

export class QcService implements QcApi {
  private lastAuto: string;

  constructor(private readonly deps: QcDeps) {
    this.lastAuto = deps.storage?.getItem(LAST_AUTO) ?? '';
  }

  private subjects(): SubjectDirectory {
    return new SubjectDirectory({ store: this.deps.store, key: this.deps.key });
  }

  async listProtocols(): Promise<ProtocolVersionView[]> {
    const out: ProtocolVersionView[] = [];
    for (const r of await this.deps.store.listProtocols()) {
      const parsed = parseProtocol(r.canonical);
      // A stored version was valid when stored; one that no longer parses is not shown.
      if (parsed.ok)
        out.push({
          key: r.key,
          protocol: parsed.protocol,
          sha256: r.sha256,
          text: pretty(parsed.protocol),
        });
    }
    return out.sort(
      (a, b) =>
        a.protocol.id.localeCompare(b.protocol.id) || a.protocol.version - b.protocol.version,
    );
  }

  async published(): Promise<PublishedVersion[]> {
    const local = (await this.deps.store.listProtocols()).map((r) => ({
      protocol: r.id,
      version: r.version,
      effectiveDate: r.effectiveDate,
    }));
    return [...(this.deps.published?.() ?? []), ...local];
  }

  check(text: string): ImportResult {
    const r = parseProtocol(text);
    return r.ok
      ? { ok: true, protocol: r.protocol, sha256: r.sha256 }
      : { ok: false, problems: r.problems };
  }

  async publish(text: string): Promise<PublishResult> {
    const r = parseProtocol(text);
    if (!r.ok) return { ok: false, problems: r.problems };
    const key = `${r.protocol.id}@${r.protocol.version}`;
    const existing = (await this.deps.store.listProtocols()).find((p) => p.key === key);
    if (existing && existing.sha256 !== r.sha256)
      return {
        ok: false,
        code: 'version-conflict',
        message: `${r.protocol.id} version ${r.protocol.version} is already published with other content: publish version ${r.protocol.version + 1} instead.`,
      };
    if (existing) return { ok: true, key };
    // Checked again here, against the ledger and the store, whatever the draft view said:
    // the app never signs what the fold refuses (LEDGER-26, QC-56).
    const order = publishProblems(await this.published(), r.protocol);
    if (order.length) return { ok: false, problems: order };
    // The ledger decides first (admin only): a refused publish stores nothing.
    try {
      await this.deps.record('protocol.publish', protocolPublishBody(r.protocol, r.sha256));
    } catch (e) {
      return {
        ok: false,
        code: 'not-recorded',
        message: e instanceof Error ? e.message : String(e),
      };
    }
    const put = await this.deps.store.putProtocol({
      key,
      id: r.protocol.id,
      version: r.protocol.version,
      effectiveDate: r.protocol.effectiveDate,
      sha256: r.sha256,
      canonical: r.canonical,
      addedAt: this.deps.now().toISOString(),
    });
    return put.ok ? { ok: true, key } : { ok: false, code: 'not-stored', message: put.reason };
  }

  examples(): Array<{ name: string; text: string }> {
    const demo = checkProtocol(DEMO_PROTOCOL);
    return [
      ...(demo.ok
        ? [{ name: 'demo-onc-imaging.json (demo study)', text: pretty(demo.protocol) }]
        : []),
      ...EXAMPLES.map((e) => ({ name: e.name, text: `${JSON.stringify(e.data, null, 2)}\n` })),
    ];
  }

  /** The study protocol is the id published most recently; QC uses all of its versions. */
  private async studyVersions(): Promise<Protocol[]> {
    const protocols = (await this.listProtocols()).map((v) => v.protocol);
    const records = await this.deps.store.listProtocols();
    const latest = records.reduce<(typeof records)[number] | undefined>(
      (a, r) => (!a || r.addedAt > a.addedAt ? r : a),
      undefined,
    );
    return protocols.filter((p) => p.id === latest?.id);
  }

  private async inputsOf(uids: string[]): Promise<QcSeriesInput[]> {
    const { store } = this.deps;
    const inputs: QcSeriesInput[] = [];
    for (const uid of uids) {
      const [instances, header] = await Promise.all([
        store.listInstances(uid),
        store.seriesHeader(uid),
      ]);
      const input = seriesInput(instances, header?.attributes ?? []);
      if (input) inputs.push(input);
    }
    return inputs;
  }

  async run(): Promise<QcRun> {
    const rows = await this.deps.store.listSeries({});
    const inputs = await this.inputsOf(rows.map((r) => r.seriesInstanceUid));
    const versions = await this.studyVersions();
    const result = await this.deps.check(versions, inputs);
    const fields = [
      ...new Set([
        ...(versions.at(-1)?.mandatory ?? []).map((m) => m.attribute),
        ...DEFAULT_FIELDS,
      ]),
    ];
    return { ...result, indexed: rows.length, completeness: completeness(inputs, fields) };
  }

  /**
   * What each rule compared for one series (QC-57): its subject checked again by the same
   * engine with `explain`, here, because one subject is small and the whole run stays lean.
   */
  async explain(seriesInstanceUid: string): Promise<CheckedValue[] | NoCheckedValues> {
    const rows = await this.deps.store.listSeries({});
    const row = rows.find((r) => r.seriesInstanceUid === seriesInstanceUid);
    if (!row) return { code: 'not-indexed', reason: 'the series is no longer in the index' };
    const subject = rows.filter((r) => r.patientId === row.patientId);
    const inputs = await this.inputsOf(subject.map((r) => r.seriesInstanceUid));
    const result = qcSubject(await this.studyVersions(), inputs, { explain: true });
    const mine = result.series.find((r) => r.seriesInstanceUid === seriesInstanceUid);
    if (!mine) return { code: 'no-instance', reason: 'the series has no instance left to check' };
    return mine.checked?.length
      ? mine.checked
      : { code: 'nothing-compared', reason: mine.findings[0]?.text ?? 'no rule applies' };
  }

  async recordAuto(run: QcRun): Promise<boolean> {
    if (run.series.length === 0) return false;
    const body = {
      ...qcAutoBody(await this.deps.key(), run.series),
      // The subjects checked, by keyed reference (issue 11 §2).
      subjects: await this.subjects().ofSeries(run.series.map((r) => r.seriesInstanceUid)),
    };
    const digest = hex(sha256(utf8(JSON.stringify(body))));
    if (digest === this.lastAuto) return false;
    await this.deps.record('qc.auto', body);
    this.lastAuto = digest;
    this.deps.storage?.setItem(LAST_AUTO, digest);
    return true;
  }

  async review(
    input: ReviewInput,
  ): Promise<{ ok: true } | QcRefusal<'no-reason' | 'not-recorded'>> {
    if (!input.reason.trim())
      return { ok: false, code: 'no-reason', message: 'Give a reason for the verdict.' };
    try {
      await this.deps.record('qc.review', {
        ...qcReviewBody(await this.deps.key(), input),
        subject: await this.subjects().ofOneSeries(input.seriesInstanceUid),
      });
      return { ok: true };
    } catch (e) {
      return {
        ok: false,
        code: 'not-recorded',
        message: e instanceof Error ? e.message : String(e),
      };
    }
  }

  /** The middle slice of a series (by instance number), drawn small for the QC reviewer. */
  async thumbnail(seriesInstanceUid: string): Promise<Thumbnail | NoThumbnail> {
    const { readFile, store } = this.deps;
    if (!readFile) return { code: 'unreadable', reason: 'no thumbnail: files cannot be read here' };
    const inst = (await store.listInstances(seriesInstanceUid))
      .filter((i) => !i.missing && hasPixelData(i))
      .sort((a, b) => (a.instanceNumber ?? 0) - (b.instanceNumber ?? 0));
    const middle = inst[Math.floor(inst.length / 2)];
    if (!middle)
      return { code: 'no-image', reason: 'no thumbnail: the series has no image with pixel data' };
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await (await readFile(middle.folderId, middle.path)).arrayBuffer());
    } catch {
      return {
        code: 'unreadable',
        reason: 'no thumbnail: the file cannot be read now (open its folder again)',
      };
    }
    const parsed = await parseSource(bytes, inflateRaw);
    if (parsed.kind !== 'parsed')
      return { code: 'unreadable', reason: 'no thumbnail: the file no longer parses' };
    return renderThumbnail(parsed.dicom);
  }
}

/** Wires QC into the app: the QC worker, the local key, and live re-checks as indexing proceeds. */
export function startQc(opts: {
  store: IndexStore & ProtocolStore;
  archive: ArchiveState;
  record: QcDeps['record'];
  published: QcDeps['published'];
}): QcState {
  const worker = new Worker(new URL('../../workers/qc.worker.ts', import.meta.url), {
    type: 'module',
    name: 'trialbench-qc',
  });
  const remote = Comlink.wrap<QcWorkerApi>(worker);
  const keys = new DeidKeyStore();
  const state = new QcState(
    new QcService({
      store: opts.store,
      check: (protocols, series) => {
        const packed = packSeries(series);
        return remote.runPacked(
          protocols,
          Comlink.transfer(packed, [
            packed.values.buffer,
            packed.counts.buffer,
            packed.hasGeometry.buffer,
          ]),
        );
      },
      record: opts.record,
      published: opts.published,
      key: () => keys.key(),
      now: () => new Date(),
      storage: localStorage,
      readFile: async (folderId, path) => {
        const folder = (await opts.store.listFolders()).find((f) => f.id === folderId);
        if (!folder?.handle) throw new Error('folder not available');
        let dir = folder.handle as FileSystemDirectoryHandle;
        const parts = path.split('/');
        for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p);
        return (await dir.getFileHandle(parts.at(-1)!)).getFile();
      },
    }),
  );
  void state.load().then(() => {
    state.follow(
      () => [opts.archive.progress?.indexed, opts.archive.counts.instances, opts.archive.busy],
      () => !opts.archive.busy,
    );
  });
  return state;
}
