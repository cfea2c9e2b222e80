// The audit trail as a file an inspector can check without the app (LEDGER-16): JSONL
// with a header, the public keys (derived from the trail, LEDGER-19), every accepted entry
// in fold order, and every 1,000 entries a checkpoint signed by the exporter (a Merkle
// root over the entry ids so far), the last one marked final. verify.ts checks it.
import { toBase64url } from './base64url';
import { canonicalBytes, canonicalJson } from './canonical';
import { isAuthorKey, isEntryId } from './entry';
import { fingerprint } from './fingerprint';
import type { Ledger } from './ledger';
import { MerkleLog } from './merkle';
import type { AuthorKey, Json, Signer, StudyState } from './types';

export const CHECKPOINT_EVERY = 1000;
export const FORMAT = 'trialbench-audit';

export interface Header {
  format: string;
  version: number;
  study: string;
  exportedAt: string;
  exporter: AuthorKey;
  checkpointEvery: number;
}

export interface Checkpoint {
  count: number;
  root: string;
  last: string | null;
  final: boolean;
}

/** What a checkpoint signs: itself bound to the header and keys lines of its file. */
export function checkpointMessage(header: Json, keys: Json, checkpoint: Checkpoint): Uint8Array {
  return canonicalBytes({ header, keys, checkpoint: checkpoint as unknown as Json });
}

export type KeysLine = Record<
  AuthorKey,
  { name: string; role: string | null; fingerprint: string }
>;

/**
 * The keys line as the trail determines it (LEDGER-19): the exporter, every member and
 * every author, each with the name and role the fold gives and the key's fingerprint.
 * The exporter writes it and the verifier recomputes it; both call this.
 */
export function deriveKeys(
  state: StudyState,
  authors: Iterable<AuthorKey>,
  exporter: AuthorKey,
): KeysLine {
  const all = new Set<AuthorKey>([exporter, ...state.members.keys(), ...authors]);
  const keys: KeysLine = {};
  for (const a of [...all].sort()) {
    const m = state.members.get(a);
    keys[a] = { name: m?.name ?? '', role: m?.role ?? null, fingerprint: fingerprint(a) };
  }
  return keys;
}

export async function exportLog(
  ledger: Ledger,
  signer: Signer,
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
  const keys = deriveKeys(
    state,
    ledger.accepted().map((e) => e.author),
    signer.author,
  );
  const headerJson = header as unknown as Json;
  const keysJson: Json = { keys: keys as unknown as Json };
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

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isHeader(v: unknown): v is Header {
  return (
    isObject(v) &&
    Object.keys(v).length === 6 &&
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

export function isCheckpoint(v: unknown): v is Checkpoint {
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
