// The file-system side of `trialbench deid`: folder checks, the key file, the journal
// that makes a run resumable, and writes that are never seen half-done.
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { RiskDecision } from '../core/deid/run';

/** The real path of `p`, or of its nearest existing ancestor joined with the rest. */
function realish(p: string): string {
  const abs = resolve(p);
  if (existsSync(abs)) return realpathSync(abs);
  const parent = dirname(abs);
  return parent === abs ? abs : join(realish(parent), basename(abs));
}

function inside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Null when the folders are fine; otherwise why not. */
export function checkFolders(input: string, output: string): string | null {
  if (!existsSync(input) || !statSync(input).isDirectory()) return `${input} is not a folder`;
  const i = realish(input);
  const o = realish(output);
  if (inside(o, i)) return `refusing ${output}: the output must not be inside the input folder`;
  if (inside(i, o)) return `refusing ${output}: the input folder must not be inside the output`;
  return null;
}

/** Regular files under `dir`, relative paths with '/', sorted; symlinks are not followed. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const visit = (rel: string): void => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) visit(r);
      else if (e.isFile()) out.push(r);
    }
  };
  visit('');
  return out.sort();
}

export function keyFileBeside(output: string): string {
  const abs = resolve(output);
  return join(dirname(abs), `${basename(abs)}.deid-key`);
}

/** Reads a key file: 32+ raw bytes, or hex text. */
export function readKey(path: string): Uint8Array | string {
  const raw = readFileSync(path);
  const text = raw.toString('latin1').trim();
  if (/^[0-9a-fA-F]{64,}$/.test(text)) return new Uint8Array(Buffer.from(text, 'hex'));
  if (raw.length >= 32) return new Uint8Array(raw);
  return `${path}: a key is 32 random bytes (raw or hex); this file has ${raw.length} bytes`;
}

/** Creates a 32-byte key readable only by its owner; never overwrites one. */
export function createKey(path: string): Uint8Array {
  const key = new Uint8Array(randomBytes(32));
  writeFileSync(path, key, { mode: 0o600, flag: 'wx' });
  return key;
}

export interface JournalEntry {
  /** HMAC of the source's relative path, size and mtime: no source path is stored. */
  k: string;
  path: string;
  size: number;
  sha256: string;
  sourceSha256: string;
  series: string;
  decisions: RiskDecision[];
  /** Pixels were blanked (absent in journals of older runs). */
  masked?: boolean;
}

export const JOURNAL = '.deid-journal.jsonl';

export function readJournal(output: string): Map<string, JournalEntry> {
  const out = new Map<string, JournalEntry>();
  const file = join(output, JOURNAL);
  if (!existsSync(file)) return out;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as JournalEntry;
      if (typeof e.k === 'string' && typeof e.path === 'string') out.set(e.k, e);
    } catch {
      // A line cut by a crash: its file is simply redone.
    }
  }
  return out;
}

export function appendJournal(output: string, e: JournalEntry): void {
  appendFileSync(join(output, JOURNAL), `${JSON.stringify(e)}\n`);
}

/** Leftover temporaries from an interrupted run. */
export function removeTemporaries(output: string): number {
  if (!existsSync(output)) return 0;
  let n = 0;
  for (const rel of listFiles(output)) {
    if (/\.tmp-\d+$/.test(rel)) {
      rmSync(join(output, rel));
      n++;
    }
  }
  return n;
}

/**
 * Writes the parts to a temporary beside the target, then renames it into place. With
 * `readBack`, the first part (the re-encoded header, what the leak check parsed) is read
 * back from disk and the size checked before the rename; on a mismatch the temporary is
 * removed and false returned. The rest is the source's own bytes, spliced unchanged.
 */
export function writeAtomic(
  target: string,
  parts: readonly Uint8Array[],
  readBack = false,
): boolean {
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w+');
  let ok = true;
  try {
    for (const p of parts) {
      let off = 0;
      while (off < p.length) off += writeSync(fd, p, off, p.length - off);
    }
    const first = parts[0];
    if (readBack && first) {
      const back = Buffer.alloc(first.length);
      readSync(fd, back, 0, first.length, 0);
      const size = parts.reduce((n, p) => n + p.length, 0);
      ok = back.equals(first) && fstatSync(fd).size === size;
    }
  } finally {
    closeSync(fd);
  }
  if (!ok) {
    rmSync(tmp);
    return false;
  }
  renameSync(tmp, target);
  return true;
}

export function writeTextAtomic(target: string, text: string): void {
  writeAtomic(target, [new Uint8Array(Buffer.from(text, 'utf8'))]);
}
