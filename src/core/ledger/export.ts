// The audit trail as a file an auditor can check without the app: JSONL with a header,
// the public keys, every accepted entry in fold order, and every 1,000 entries a signed
// checkpoint (a Merkle root over the entry ids so far). verifyLog names the exact line.
import { fromBase64url, toBase64url } from './base64url';
import { canonicalBytes, canonicalJson } from './canonical';
import { compareEntries, isAuthorKey, isEntryId, parseEntry, signingBytesOfText } from './entry';
import { fingerprint } from './fingerprint';
import type { Ledger } from './ledger';
import { MerkleLog } from './merkle';
import type { AuthorKey, Entry, Json, SignatureVerifier, Signer, VerifyReport } from './types';

export const CHECKPOINT_EVERY = 1000;
const FORMAT = 'trialbench-audit';

interface Header {
  format: string;
  version: number;
  study: string;
  exportedAt: string;
  exporter: AuthorKey;
  checkpointEvery: number;
}

interface Checkpoint {
  count: number;
  root: string;
  last: string | null;
  final: boolean;
}

/** What a checkpoint signs: itself bound to the header and keys lines of its file. */
function checkpointMessage(header: Json, keys: Json, checkpoint: Checkpoint): Uint8Array {
  return canonicalBytes({ header, keys, checkpoint: checkpoint as unknown as Json });
}

export async function exportLog(
  ledger: Ledger,
  signer: Signer,
  names: Record<AuthorKey, string>,
  nowMs: number,
  checkpointEvery = CHECKPOINT_EVERY,
): Promise<string> {
  const state = ledger.state;
  if (!state.study) throw new Error('no study to export');
  const header: Header = {
    format: FORMAT,
    version: 1,
    study: state.study.id,
    exportedAt: new Date(nowMs).toISOString(),
    exporter: signer.author,
    checkpointEvery,
  };
  const authors = new Set<AuthorKey>([signer.author, ...state.members.keys()]);
  for (const e of ledger.accepted()) authors.add(e.author);
  const keys: Record<string, Json> = {};
  for (const a of [...authors].sort()) {
    const m = state.members.get(a);
    keys[a] = {
      name: names[a] ?? m?.name ?? '',
      role: m?.role ?? null,
      fingerprint: fingerprint(a),
    };
  }
  const headerJson = header as unknown as Json;
  const keysJson: Json = { keys };
  const lines = [canonicalJson(headerJson), canonicalJson(keysJson)];
  const merkle = new MerkleLog();
  let last: string | null = null;
  const checkpoint = async (final: boolean) => {
    const cp: Checkpoint = { count: merkle.count, root: merkle.root(), last, final };
    const sig = await signer.sign(checkpointMessage(headerJson, keysJson, cp));
    lines.push(
      canonicalJson({
        checkpoint: cp as unknown as Json,
        author: signer.author,
        sig: toBase64url(sig),
      }),
    );
  };
  const ids = ledger.acceptedIds();
  for (const id of ids) {
    const text = ledger.text(id);
    if (text === undefined) throw new Error(`entry ${id} has no text`);
    lines.push(text);
    merkle.append(id);
    last = id;
    if (merkle.count % checkpointEvery === 0 && merkle.count < ids.length) await checkpoint(false);
  }
  await checkpoint(true);
  return lines.join('\n') + '\n';
}

type Problem = VerifyReport['problems'][number];

/** Checks an exported log; reports the first problem of each kind with its line and id. */
export async function verifyLog(text: string, verifier: SignatureVerifier): Promise<VerifyReport> {
  const problems: Problem[] = [];
  const kinds = new Set<string>();
  const report = (line: number, id: string | null, kind: string, message: string) => {
    if (kinds.has(kind)) return;
    kinds.add(kind);
    problems.push({ line, id, kind, message });
  };
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const done = (entries: number, checkpoints: number): VerifyReport => ({
    ok: problems.length === 0,
    entries,
    checkpoints,
    problems: problems.sort((a, b) => a.line - b.line),
  });

  const header = parseJson(lines[0]);
  if (!isHeader(header)) {
    report(1, null, 'format', 'line 1 is not a trialbench-audit version 1 header');
    return done(0, 0);
  }
  const keysLine = parseJson(lines[1]);
  const keys =
    isObject(keysLine) && isObject(keysLine.keys)
      ? (keysLine.keys as Record<string, unknown>)
      : null;
  if (!keys || !Object.keys(keys).every(isAuthorKey)) {
    report(2, null, 'format', 'line 2 is not the list of public keys');
    return done(0, 0);
  }

  // Parse everything first: ids and their lines let a problem say "later in the file".
  type Row =
    | { kind: 'entry'; line: number; entry: Entry; id: string; text: string; sig: Promise<boolean> }
    | { kind: 'checkpoint'; line: number; cp: Checkpoint; author: unknown; sig: Promise<boolean> }
    | { kind: 'bad'; line: number; message: string };
  const rows: Row[] = [];
  const lineOf = new Map<string, number>();
  for (let i = 2; i < lines.length; i++) {
    const raw = lines[i] as string;
    const line = i + 1;
    const value = parseJson(raw);
    if (isObject(value) && 'checkpoint' in value) {
      const cp = value.checkpoint;
      if (!isCheckpoint(cp) || typeof value.sig !== 'string' || Object.keys(value).length !== 3) {
        rows.push({ kind: 'bad', line, message: `line ${line} is not a well-formed checkpoint` });
        continue;
      }
      const sig = fromBase64url(value.sig);
      const ok =
        sig && value.author === header.exporter
          ? verifier
              .verify(
                header.exporter,
                sig,
                checkpointMessage(header as unknown as Json, keysLine as Json, cp),
              )
              .catch(() => false)
          : Promise.resolve(false);
      rows.push({ kind: 'checkpoint', line, cp, author: value.author, sig: ok });
      continue;
    }
    const parsed = parseEntry(raw);
    if (!parsed.ok) {
      rows.push({
        kind: 'bad',
        line,
        message: `line ${line} is not a valid entry: ${parsed.reason}`,
      });
      continue;
    }
    if (parsed.text !== raw) {
      rows.push({
        kind: 'bad',
        line,
        message: `line ${line} is not in canonical form (it was edited)`,
      });
      continue;
    }
    if (!lineOf.has(parsed.id)) lineOf.set(parsed.id, line);
    rows.push({
      kind: 'entry',
      line,
      entry: parsed.entry,
      id: parsed.id,
      text: parsed.text,
      sig: Promise.resolve(true),
    });
  }
  // Signatures in parallel chunks: that is where the time goes.
  const CHUNK = 512;
  const sigs: boolean[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK).map((r) => {
      if (r.kind === 'entry') {
        const sig = fromBase64url(r.entry.sig);
        return sig
          ? verifier
              .verify(r.entry.author, sig, signingBytesOfText(r.text, r.entry.sig))
              .catch(() => false)
          : Promise.resolve(false);
      }
      return r.kind === 'checkpoint' ? r.sig : Promise.resolve(false);
    });
    sigs.push(...(await Promise.all(chunk)));
  }

  const seen = new Set<string>();
  const lastOf = new Map<AuthorKey, { seq: number; id: string }>();
  const merkle = new MerkleLog();
  let previous: { ts: Entry['ts']; id: string } | null = null;
  let lastId: string | null = null;
  let entries = 0;
  let checkpoints = 0;
  let sinceCheckpoint = 0;
  let finalSeen = false;
  const where = (id: string, line: number) => {
    const at = lineOf.get(id);
    return at !== undefined && at > line ? at : null;
  };
  rows.forEach((row, index) => {
    const { line } = row;
    if (row.kind === 'bad') {
      report(line, null, 'altered', row.message);
      return;
    }
    if (finalSeen) report(line, null, 'spliced', `line ${line} follows the final checkpoint`);
    if (row.kind === 'checkpoint') {
      checkpoints++;
      const cp = row.cp;
      if (!sigs[index])
        report(
          line,
          cp.last,
          'checkpoint',
          `the checkpoint at line ${line} is not signed by the exporter (the header, keys or checkpoint was altered)`,
        );
      else if (cp.count !== merkle.count)
        report(
          line,
          cp.last,
          cp.count > merkle.count ? 'dropped' : 'duplicated',
          `the checkpoint at line ${line} counts ${cp.count} entries, the file has ${merkle.count} before it`,
        );
      else if (cp.root !== merkle.root() || cp.last !== lastId)
        report(
          line,
          cp.last,
          'reordered',
          `the Merkle root at line ${line} does not match the entries before it`,
        );
      sinceCheckpoint = 0;
      if (cp.final) finalSeen = true;
      return;
    }
    const { entry: e, id } = row;
    const what = `${e.type} #${e.seq} by ${e.author.slice(0, 16)}…`;
    const genesis = e.type === 'study.genesis';
    if (genesis ? id !== header.study : e.study !== header.study) {
      report(line, id, 'spliced', `line ${line} (${what}) belongs to another study`);
      return;
    }
    if (seen.has(id)) {
      report(line, id, 'duplicated', `line ${line} repeats ${what}`);
      return;
    }
    if (!(e.author in keys)) {
      report(
        line,
        id,
        'forged',
        `line ${line} (${what}) is signed by a key the export does not list`,
      );
      return;
    }
    if (!sigs[index]) {
      report(
        line,
        id,
        'altered',
        `line ${line} (${what}): the signature does not match (the entry was altered)`,
      );
      return;
    }
    if (previous && compareEntries(previous, { ts: e.ts, id }) >= 0)
      report(line, id, 'reordered', `line ${line} (${what}) is out of order`);
    const last = lastOf.get(e.author);
    const expected = (last?.seq ?? 0) + 1;
    if (e.seq < expected) report(line, id, 'duplicated', `line ${line} is a second ${what}`);
    else if (e.seq > expected || e.prev !== (last?.id ?? null)) {
      const later = e.prev ? where(e.prev, line) : null;
      if (later !== null)
        report(
          line,
          e.prev,
          'reordered',
          `line ${line} (${what}) comes before its previous entry (line ${later})`,
        );
      else
        report(
          line,
          e.prev,
          'dropped',
          `the entry before line ${line} in ${e.author.slice(0, 16)}…'s chain (#${expected}${e.seq - 1 > expected ? `..#${e.seq - 1}` : ''}) is missing`,
        );
    }
    for (const d of e.deps) {
      if (seen.has(d)) continue;
      const later = where(d, line);
      if (later !== null)
        report(
          line,
          d,
          'reordered',
          `line ${line} (${what}) comes before its dependency (line ${later})`,
        );
      else
        report(
          line,
          d,
          'dropped',
          `line ${line} (${what}) depends on ${d.slice(0, 16)}…, which is missing`,
        );
    }
    seen.add(id);
    lastOf.set(e.author, { seq: Math.max(e.seq, last?.seq ?? 0), id });
    merkle.append(id);
    lastId = id;
    previous = { ts: e.ts, id };
    entries++;
    sinceCheckpoint++;
    if (sinceCheckpoint > header.checkpointEvery)
      report(
        line,
        id,
        'checkpoint',
        `no checkpoint after ${header.checkpointEvery} entries (before line ${line})`,
      );
  });
  if (!finalSeen || sinceCheckpoint > 0)
    report(
      lines.length,
      lastId,
      'truncated',
      `the file ends at line ${lines.length} without its final checkpoint`,
    );
  return done(entries, checkpoints);
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isHeader(v: unknown): v is Header {
  return (
    isObject(v) &&
    v.format === FORMAT &&
    v.version === 1 &&
    isEntryId(v.study) &&
    typeof v.exportedAt === 'string' &&
    isAuthorKey(v.exporter) &&
    typeof v.checkpointEvery === 'number' &&
    Number.isSafeInteger(v.checkpointEvery) &&
    v.checkpointEvery >= 1
  );
}

function isCheckpoint(v: unknown): v is Checkpoint {
  return (
    isObject(v) &&
    Object.keys(v).length === 4 &&
    typeof v.count === 'number' &&
    Number.isSafeInteger(v.count) &&
    typeof v.root === 'string' &&
    (v.last === null || isEntryId(v.last)) &&
    typeof v.final === 'boolean'
  );
}
