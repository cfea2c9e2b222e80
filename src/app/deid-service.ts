// De-identification as the app offers it: input folders from the archive, an output folder
// chosen by the person, the local key, a run in a worker, and one ledger entry per run.
import * as Comlink from 'comlink';
import type { IndexStore } from '../core/ports/store';
import type { Json } from '../core/ledger/types';
import type { DeidJob, DeidSummary, DeidWorkerApi } from '../../workers/deid.worker';
import type { ThumbnailWorkerApi } from '../../workers/thumbnail.worker';
import { inflateRaw } from '../../workers/platform';
import { keyFingerprint, siteFor } from '../core/deid/run';
import type {
  DeidApi,
  DeidFolder,
  DeidProgressView,
  DeidRequest,
  DeidRunView,
  PreviewRefusal,
  PreviewRow,
  PreviewSeries,
  RunRefusal,
} from '../ui/state/deid-api';
import { fail, ok, type DeidResult } from '../ui/state/deid-result';
import type { DeidKeyStore } from './deid/key-store';
import { previewRows } from './deid/preview';
import { SubjectDirectory } from './subjects';
import { DeidCustody, pseudonymFor } from './deid/custody';
import { DeidReview } from './deid/review';
import type { Role } from '../core/ledger/types';

export interface DeidDeps {
  store: Pick<IndexStore, 'listFolders' | 'listSeries' | 'listInstances'>;
  keys: DeidKeyStore;
  record: (type: string, body: { [key: string]: Json }) => Promise<unknown>;
  /** The name of the person running it, for the output documentation. */
  runBy: () => Promise<string>;
  /** This person's role in the current study, for the admin-only re-identification map. */
  role: () => Promise<Role | null>;
}

type Picker = (o: { mode: 'readwrite'; id?: string }) => Promise<FileSystemDirectoryHandle>;

export class DeidService implements DeidApi {
  private output: FileSystemDirectoryHandle | null = null;
  private thumbnails: Comlink.Remote<ThumbnailWorkerApi> | null = null;
  readonly custody: DeidCustody;
  readonly review: DeidReview;

  constructor(private readonly deps: DeidDeps) {
    this.custody = new DeidCustody({
      keys: deps.keys,
      record: deps.record,
      role: deps.role,
      patients: (inputId) => this.patients(inputId),
    });
    this.review = new DeidReview({
      store: deps.store,
      inputHandle: (id) => this.inputHandle(id),
      key: () => deps.keys.key(),
      record: deps.record,
      runBy: deps.runBy,
      inflate: inflateRaw,
      thumbnail: (bytes) =>
        this.thumbnailWorker().thumbnail(Comlink.transfer(bytes, [bytes.buffer as ArrayBuffer])),
    });
  }

  /** One worker for the review queue's thumbnails, started when first needed and kept. */
  private thumbnailWorker(): Comlink.Remote<ThumbnailWorkerApi> {
    this.thumbnails ??= Comlink.wrap<ThumbnailWorkerApi>(
      new Worker(new URL('../../workers/thumbnail.worker.ts', import.meta.url), {
        type: 'module',
        name: 'trialbench-thumbnails',
      }),
    );
    return this.thumbnails;
  }

  private async patients(inputId: string): Promise<Array<{ patientId: string; path: string }>> {
    const out: Array<{ patientId: string; path: string }> = [];
    for (const s of await this.deps.store.listSeries({ folderId: inputId })) {
      const inst = (await this.deps.store.listInstances(s.seriesInstanceUid)).find(
        (i) => i.folderId === inputId,
      );
      out.push({ patientId: s.patientId, path: inst?.path ?? '' });
    }
    return out;
  }

  async inputFolders(): Promise<DeidFolder[]> {
    return (await this.deps.store.listFolders())
      .filter((f) => f.handle)
      .map((f) => ({ id: f.id, label: f.label }));
  }

  async pickOutput(): Promise<DeidResult<string | null, 'no-folder-access'>> {
    const pick = (globalThis as unknown as { showDirectoryPicker?: Picker }).showDirectoryPicker;
    if (!pick)
      return fail(
        'no-folder-access',
        'This browser cannot write to a folder (no File System Access): use Chrome or Edge.',
      );
    try {
      this.output = await pick({ mode: 'readwrite', id: 'trialbench-deid-output' });
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') return ok(null);
      throw e;
    }
    return ok(this.output.name);
  }

  async keyFingerprint(): Promise<string> {
    return keyFingerprint(await this.deps.keys.key());
  }

  private async inputHandle(
    id: string,
  ): Promise<DeidResult<FileSystemDirectoryHandle, 'input-unavailable'>> {
    const f = (await this.deps.store.listFolders()).find((x) => x.id === id);
    if (!f?.handle)
      return fail('input-unavailable', 'That folder cannot be read again: open it again first.');
    return ok(f.handle as FileSystemDirectoryHandle);
  }

  async run(
    req: DeidRequest,
    onProgress: (p: DeidProgressView) => void,
    signal?: AbortSignal,
  ): Promise<DeidResult<DeidRunView, RunRefusal>> {
    if (!this.output) return fail('no-output', 'Choose an output folder first.');
    const input = await this.inputHandle(req.inputId);
    if (!input.ok) return input;
    const key = await this.deps.keys.key();
    const job: DeidJob = {
      input: input.value,
      output: this.output,
      profile: req.profile,
      key,
      siteRules: req.siteRules,
      trial: req.trial,
      runBy: await this.deps.runBy(),
      ...(req.mapping ? { mapping: req.mapping } : {}),
      ...(req.visits ? { visits: req.visits } : {}),
      ...(req.pseudonymPrefix ? { pseudonymPrefix: req.pseudonymPrefix } : {}),
      // The worker builds DeidRun's `review: new Map(job.review)` from these pairs.
      ...(req.review?.length ? { review: req.review } : {}),
      // The run judges head volumes as the review queue does: by the series' image count.
      seriesSizes: (await this.deps.store.listSeries({ folderId: req.inputId })).map(
        (s) => [s.seriesInstanceUid, s.instances] as [string, number],
      ),
    };
    const worker = new Worker(new URL('../../workers/deid.worker.ts', import.meta.url), {
      type: 'module',
      name: 'trialbench-deid',
    });
    const remote = Comlink.wrap<DeidWorkerApi>(worker);
    // Cancel asks the worker's loop to stop between files; terminating the worker instead
    // would leave the output without its documents and the run without its ledger entry.
    const cancel = () => void remote.cancel();
    signal?.addEventListener('abort', cancel);
    let out: Awaited<ReturnType<DeidWorkerApi['run']>>;
    try {
      if (signal?.aborted) cancel();
      out = await remote.run(
        job,
        Comlink.proxy((p) => onProgress({ ...p })),
      );
    } finally {
      signal?.removeEventListener('abort', cancel);
      worker.terminate();
    }
    if (!out.ok) return out;
    // The run names the subjects of its input folder by keyed reference (issue 11 §2).
    const subjects = await new SubjectDirectory({
      store: this.deps.store,
      key: () => this.deps.keys.key(),
    }).ofFolder(req.inputId);
    await this.deps.record('deid.run', { ...runBody(out.value), subjects });
    return ok(runView(out.value, Boolean(signal?.aborted)));
  }

  async previewSeries(inputId: string): Promise<PreviewSeries[]> {
    const all = await this.deps.store.listSeries({});
    const out: PreviewSeries[] = [];
    for (const s of all) {
      const inst = await this.deps.store.listInstances(s.seriesInstanceUid);
      if (!inst.some((i) => i.folderId === inputId)) continue;
      out.push({
        uid: s.seriesInstanceUid,
        label: `${s.patientId} ${s.modality} ${s.seriesNumber ?? ''} ${s.seriesDescription}`
          .replace(/\s+/g, ' ')
          .trim(),
      });
    }
    return out;
  }

  async preview(
    seriesUid: string,
    req: DeidRequest,
  ): Promise<DeidResult<PreviewRow[], PreviewRefusal>> {
    const inst = (await this.deps.store.listInstances(seriesUid)).find(
      (i) => i.folderId === req.inputId && !i.missing,
    );
    if (!inst) return fail('no-instance', 'No readable instance of that series in this folder.');
    const input = await this.inputHandle(req.inputId);
    if (!input.ok) return input;
    let dir = input.value;
    const parts = inst.path.split('/');
    for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p);
    const file = await (await dir.getFileHandle(parts.at(-1)!)).getFile();
    const key = await this.deps.keys.key();
    const site = siteFor(
      { path: inst.path, patientId: inst.patientId ?? '', fileSiteId: '' },
      req.siteRules,
      req.mapping,
    )?.site;
    return previewRows(
      new Uint8Array(await file.arrayBuffer()),
      req.profile,
      {
        key,
        subjectId: site
          ? (pseudonymFor(key, site, inst.patientId ?? '', req.mapping, req.pseudonymPrefix) ??
            '(not in the mapping)')
          : '(no site: set a folder-to-site rule)',
        trial: { ...req.trial, ...(site ? { siteId: site } : {}) },
      },
      inflateRaw,
    );
  }
}

/** `cancelled`: the person asked for the stop (the loop ends a Cancel as interrupted). */
function runView(s: DeidSummary, cancelled: boolean): DeidRunView {
  const c = s.record.counts;
  return {
    written: c.written,
    alreadyPresent: c.alreadyPresent,
    held: Object.values(c.held).reduce((a, b) => a + (b ?? 0), 0),
    heldByCategory: { ...c.held } as Record<string, number>,
    skipped: c.skipped,
    leakChecked: c.leakChecked,
    leakHeld: c.leakHeld,
    heldFiles: s.held,
    skippedFiles: s.skipped,
    duplicates: c.duplicate ?? 0,
    inputs: c.inputs ?? 0,
    notReached: c.notReached ?? 0,
    stopped: s.stopped && s.stopped.code !== 'limit' ? s.stopped.sentence : '',
    cancelled: cancelled && s.stopped?.code === 'interrupted',
    folderLeaks: s.folderLeaks.map((l) => l.path),
    manifestSha256: s.manifestSha256,
    megabytesPerSecond: s.bytesIn / 1e6 / Math.max(s.seconds, 1e-6),
  };
}

/** The ledger body: counts, profile, options, key fingerprint, decisions; no source value. */
function runBody(s: DeidSummary): { [key: string]: Json } {
  const r = s.record;
  return {
    counts: { ...r.counts, held: { ...r.counts.held } } as unknown as Json,
    profile: { name: r.profile.name, version: r.profile.v },
    options: {
      ...r.options,
      profileOptions: Object.entries(r.profile.options)
        .filter(([, v]) => v)
        .map(([k]) => k),
      overrides: r.profile.overrides.map((o) => ({
        tag: o.tag.toString(16).padStart(8, '0'),
        action: o.action,
        reason: o.reason,
      })),
    },
    keyFingerprint: r.keyFingerprint,
    manifestSha256: s.manifestSha256,
    decisions: r.decisions.map((d) => ({
      series: d.series,
      kind: d.kind,
      decision: d.decision,
      files: d.files,
      justification: d.justification ?? null,
      // Who answered, when, and which defacing tool was attested: the trail names them too.
      by: d.by ?? null,
      at: d.at ?? null,
      tool: d.tool ?? null,
    })),
    // The closed code only; counts.notReached says how many inputs it left.
    ...(s.stopped ? { stopped: s.stopped.code } : {}),
  };
}
