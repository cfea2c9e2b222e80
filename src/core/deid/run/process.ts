// The run loop's per-file port (DEID-92): everything done to one source on its own, i.e.
// read, hash, parse, de-identify and leak-check it (prepare), then, once the loop has
// decided in input order that the output is to be written, write it atomically and read
// it back (write). The loop keeps every decision that depends on other files (journal
// reuse, duplicates and output-path clashes, pseudonym collisions, counts, the journal's
// order), so a shell may run the per-file work wherever it likes (the CLI: in worker
// threads) and the outputs, manifest, journal and documents come out the same.
import { parseSource } from '../../dicom/inflating';
import type { Inflate } from '../../index/record';
import type { OutputResult } from './read-back';
import { DeidRun, type FileOutcome, type PreparedOutcome } from './run';
import type { IoFailure, OutputPort, RunSettings, SourceFile } from './run-loop';

type Written = Extract<FileOutcome, { kind: 'written' }>;

/** Why the per-file work gave no outcome (a closed code, for the documents). */
export type ProcessFailure = 'internal-error' | 'thread-crashed' | 'thread-hung';

export type Prepared =
  /** The source could not be read (an I/O failure of this input, not of the run). */
  | { kind: 'unreadable'; message: string }
  /**
   * De-identifying this file failed in a way no outcome covers (a bug met by this input,
   * or the thread doing it died or stopped answering): the file is held, the run goes on.
   */
  | { kind: 'failed'; code: ProcessFailure; sourceSha256: string; message: string }
  | {
      kind: 'ready';
      bytesRead: number;
      outcome: PreparedOutcome;
      /** The written outcome's SHA-256, where the process hashes outputs as it prepares. */
      outputSha256?: string;
    };

export interface FileProcess {
  /**
   * Reads, hashes, parses, de-identifies and leak-checks input `i`. A written outcome's
   * bytes stay with the process until write(i) or drop(i). The loop calls this a few
   * files ahead, in input order; answers may come in any order.
   */
  prepare(i: number, file: SourceFile): Promise<Prepared>;
  /** The SHA-256 of input `i`'s prepared output (asked when another input has its path). */
  outputSha256(i: number): Promise<string>;
  /** Writes input `i`'s prepared output (temporary, then rename), reads it back, checks it. */
  write(i: number): Promise<OutputResult>;
  /** Forgets input `i`'s prepared output without writing it. */
  drop(i: number): void;
  /** Called once after the last write, before the whole-folder check: tidy what is left. */
  finish?(): Promise<void>;
  /** Inputs the loop may have in prepare at once. */
  readonly ahead: number;
  /** Writes the loop may have outstanding at once. */
  readonly writes: number;
  /**
   * Bytes of output the loop may have outstanding at once, where they wait in memory: past
   * it, the loop hands the next output only once all but the last one handed are written.
   * Absent: only `writes` bounds them.
   */
  readonly writeBytes?: number;
}

/**
 * Per-file workers (threads in the CLI, Web Workers in the app) for a machine with `cores`
 * cores: one per core but one, at least 1, at most 4. The run's own thread keeps a core: it
 * orders results, renames outputs into place and, in the browser, the platform's own I/O
 * threads need it too (DEID-92, DEID-93).
 */
export function poolSize(cores: number | undefined): number {
  return Math.max(1, Math.min(4, Math.floor(cores ?? 2) - 1));
}

/** The DeidRun for these settings; pseudonym collisions are left to the loop's claims. */
export function deidRunFor(s: RunSettings): DeidRun {
  return new DeidRun({
    profile: s.profile,
    key: s.key,
    trial: s.trial,
    ...(s.siteRules ? { siteRules: s.siteRules } : {}),
    ...(s.passBurnedIn ? { passBurnedIn: s.passBurnedIn } : {}),
    ...(s.waiveFacialRisk ? { waiveFacialRisk: s.waiveFacialRisk } : {}),
    ...(s.attestDefaced ? { attestDefaced: s.attestDefaced } : {}),
    ...(s.review ? { review: new Map(s.review) } : {}),
    ...(s.seriesSizes ? { seriesSizes: new Map(s.seriesSizes) } : {}),
    ...(s.pixelRules ? { pixelRules: s.pixelRules } : {}),
    maskBurnedIn: Boolean(s.maskBurnedIn),
    runBy: s.runBy,
    ...(s.mapping ? { mapping: s.mapping } : {}),
    ...(s.visits ? { visits: s.visits } : {}),
    ...(s.pseudonymPrefix ? { pseudonymPrefix: s.pseudonymPrefix } : {}),
    claimsByCaller: true,
  });
}

/** The output file as one buffer: what is hashed, and what the browser writes and reads back. */
export function joined(parts: readonly Uint8Array[]): Uint8Array {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}

export interface LocalProcessIo {
  /** Output stages: each write goes to the least busy. */
  ports: readonly OutputPort[];
  sha256Hex(bytes: Uint8Array): Promise<string>;
  /**
   * Hashes an output as it is prepared, in its parts (no copy): the stage then only proves
   * that the file on disk is these bytes (DEID-30) instead of hashing it again.
   */
  hashParts?(parts: readonly Uint8Array[]): Promise<string>;
  inflate: Inflate;
  ioFailure(e: unknown): IoFailure | null;
  /** Writes each stage may have waiting (default 3). */
  perPort?: number;
  /** Bytes of output waiting for the stages at once (default 256 MB). */
  writeBytes?: number;
  /** Inputs in prepare at once (default 4). */
  ahead?: number;
}

export interface LocalProcess extends FileProcess {
  /** True while input `i`'s prepared output is held here. */
  has(i: number): boolean;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * The per-file work in the caller's own thread (the browser's run worker, the CLI without
 * threads, and each CLI thread for its share), over the shell's output stages.
 */
export function localProcess(settings: RunSettings, io: LocalProcessIo): LocalProcess {
  if (!io.ports.length) throw new Error('localProcess: at least one output port');
  const deid = deidRunFor(settings);
  const held = new Map<number, { o: Written; sha256?: string }>();
  const busy = io.ports.map(() => 0);
  const take = (i: number) => {
    const h = held.get(i);
    if (!h) throw new Error(`localProcess: input ${i} has no prepared output`);
    return h;
  };
  return {
    ahead: io.ahead ?? 4,
    writes: io.ports.length * (io.perPort ?? 3),
    // Outputs handed to the stages wait in memory until written: with more of them in
    // flight, large files must not add up to more than this.
    writeBytes: io.writeBytes ?? 256 * 1024 * 1024,
    has: (i) => held.has(i),
    async prepare(i, file) {
      let bytes: Uint8Array;
      try {
        bytes = await file.read();
      } catch (e) {
        if (!io.ioFailure(e)) throw e;
        return { kind: 'unreadable', message: message(e) };
      }
      const sourceSha256 = await io.sha256Hex(bytes);
      let o: FileOutcome;
      try {
        o = deid.file(bytes, sourceSha256, await parseSource(bytes, io.inflate), file.path);
      } catch (e) {
        // Input no outcome foresaw (a bug it met): this file is held, the run goes on.
        return { kind: 'failed', code: 'internal-error', sourceSha256, message: message(e) };
      }
      if (o.kind !== 'written') return { kind: 'ready', bytesRead: bytes.length, outcome: o };
      const sha256 = io.hashParts ? await io.hashParts(o.parts) : undefined;
      held.set(i, { o, ...(sha256 ? { sha256 } : {}) });
      const { parts: _parts, ...rest } = o;
      return {
        kind: 'ready',
        bytesRead: bytes.length,
        outcome: rest,
        ...(sha256 ? { outputSha256: sha256 } : {}),
      };
    },
    outputSha256: async (i) => {
      const h = take(i);
      return h.sha256 ?? io.sha256Hex(joined(h.o.parts));
    },
    async write(i) {
      const { o, sha256 } = take(i);
      held.delete(i);
      let port = 0;
      for (let p = 1; p < io.ports.length; p++) if (busy[p]! < busy[port]!) port = p;
      busy[port]!++;
      try {
        return await io.ports[port]!.put({
          path: o.path,
          parts: o.parts,
          ids: o.ids,
          ...(sha256 ? { sha256 } : {}),
        });
      } finally {
        busy[port]!--;
      }
    },
    drop: (i) => void held.delete(i),
  };
}
