// Verifying an exported audit trail (LEDGER-16..23). One fold for the app and the
// verifier (LEDGER-17): the file's entries are replayed through the same Ledger the app
// runs, so every entry is checked for its author's authority as of its deps, and an entry
// the app would quarantine fails the export at its line with the rule it breaks. Around
// that fold, the file itself is checked line by line: format, order, completeness, the
// exporter's signed checkpoints, the derived keys line, the exporter's membership and the
// anchors. Every failure is a value naming its line; nothing a file holds makes this throw.
import { fromBase64url } from './base64url';
import { CanonicalError, canonicalJson } from './canonical';
import { compareEntries, parseEntry } from './entry';
import {
  checkpointMessage,
  deriveKeys,
  FORMAT,
  isCheckpoint,
  isHeader,
  isObject,
  type Checkpoint,
} from './export';
import { fingerprint } from './fingerprint';
import { Ledger } from './ledger';
import { MerkleLog } from './merkle';
import type {
  AddItem,
  AuthorKey,
  Entry,
  Json,
  LedgerRule,
  Quarantined,
  SignatureVerifier,
  VerifyProblem,
  VerifyReport,
} from './types';

/** What the inspector knows from elsewhere (LEDGER-21); both optional. */
export interface VerifyAnchors {
  /** The study id: the genesis entry's hash, shown in the app's study panel. */
  study?: string;
  /** The founding admin's key fingerprint (digits; spaces and separators ignored). */
  admin?: string;
}

const digits = (fp: string) => fp.replace(/[^0-9]/g, '');

function short(id: string): string {
  return `${id.slice(0, 16)}…`;
}

/** A JSON line parsed and proven canonical, or the reason it is not (LEDGER-1). */
function canonicalLine(raw: string): { ok: true; value: unknown } | { ok: false; why: string } {
  let value: unknown;
  try {
    value = JSON.parse(raw) as unknown;
  } catch {
    return { ok: false, why: 'is not JSON' };
  }
  try {
    if (canonicalJson(value as Json) !== raw) return { ok: false, why: 'is not in canonical form' };
  } catch (e) {
    if (e instanceof CanonicalError)
      return { ok: false, why: `is not canonical JSON (${e.message})` };
    throw e;
  }
  return { ok: true, value };
}

function emptyReport(): VerifyReport {
  return {
    ok: false,
    readable: true,
    entries: 0,
    checkpoints: 0,
    problems: [],
    study: null,
    founder: null,
    anchored: { study: false, admin: false },
    exporter: null,
    lastCheckpoint: null,
    lastWitnessed: null,
  };
}

type Row =
  | { kind: 'entry'; line: number; entry: Entry; id: string; text: string }
  | { kind: 'checkpoint'; line: number; raw: string; cp: Checkpoint; author: unknown; sig: string }
  | { kind: 'bad'; line: number; rule: LedgerRule; kindOf: string; message: string };

/** Checks an exported trail; reports the first problem of each kind with its line and id. */
export async function verifyLog(
  text: string,
  verifier: SignatureVerifier,
  anchors: VerifyAnchors = {},
): Promise<VerifyReport> {
  const out = emptyReport();
  const kinds = new Set<string>();
  const report = (
    line: number,
    id: string | null,
    kind: string,
    rule: LedgerRule,
    message: string,
  ) => {
    if (kinds.has(kind)) return;
    kinds.add(kind);
    out.problems.push({ line, id, kind, rule, message: `${message} (${rule})` });
  };
  const done = (): VerifyReport => {
    out.problems.sort((a, b) => a.line - b.line);
    out.ok = out.readable && out.problems.length === 0;
    return out;
  };
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();

  // ---- line 1: the header; line 2: the keys -----------------------------------------
  const first = lines[0];
  const headerLine = first === undefined ? null : canonicalLine(first);
  let loose: unknown = undefined;
  try {
    loose = first === undefined ? undefined : (JSON.parse(first) as unknown);
  } catch {
    loose = undefined;
  }
  if (!isObject(loose) || loose.format !== FORMAT) {
    out.readable = false;
    report(1, null, 'format', 'LEDGER-16', `line 1 is not a ${FORMAT} header`);
    return done();
  }
  if (!headerLine?.ok) {
    report(1, null, 'format', 'LEDGER-1', `line 1 (the header) ${headerLine?.why ?? ''}`);
    return done();
  }
  const header = headerLine.value;
  if (!isHeader(header)) {
    report(1, null, 'format', 'LEDGER-16', 'line 1 is not a version 1 header');
    return done();
  }
  out.study = header.study;
  const keysRaw = lines[1];
  const keysLine = keysRaw === undefined ? null : canonicalLine(keysRaw);
  if (!keysLine?.ok) {
    report(2, null, 'format', 'LEDGER-1', `line 2 (the keys) ${keysLine?.why ?? 'is missing'}`);
    return done();
  }
  const keysValue = keysLine.value;
  if (!isObject(keysValue) || Object.keys(keysValue).length !== 1 || !isObject(keysValue.keys)) {
    report(2, null, 'format', 'LEDGER-16', 'line 2 is not the list of public keys');
    return done();
  }

  // ---- every other line: an entry or an export checkpoint ----------------------------
  const rows: Row[] = [];
  const lineOf = new Map<string, number>();
  for (let i = 2; i < lines.length; i++) {
    const raw = lines[i] as string;
    const line = i + 1;
    let value: unknown;
    try {
      value = JSON.parse(raw) as unknown;
    } catch {
      value = undefined;
    }
    if (isObject(value) && ('format' in value || ('keys' in value && !('sig' in value)))) {
      rows.push({
        kind: 'bad',
        line,
        rule: 'LEDGER-16',
        kindOf: 'duplicated',
        message: `line ${line} is a second ${'format' in value ? 'header' : 'keys line'}`,
      });
      continue;
    }
    if (isObject(value) && 'checkpoint' in value) {
      const cp = value.checkpoint;
      const sig = value.sig;
      if (
        !isCheckpoint(cp) ||
        typeof sig !== 'string' ||
        Object.keys(value).length !== 3 ||
        !canonicalLine(raw).ok
      ) {
        rows.push({
          kind: 'bad',
          line,
          rule: 'LEDGER-16',
          kindOf: 'altered',
          message: `line ${line} is not a well-formed checkpoint`,
        });
        continue;
      }
      rows.push({ kind: 'checkpoint', line, raw, cp, author: value.author, sig });
      continue;
    }
    const parsed = parseEntry(raw);
    if (!parsed.ok) {
      rows.push({
        kind: 'bad',
        line,
        rule: parsed.rule,
        kindOf: 'altered',
        message: `line ${line} is not a valid entry: ${parsed.reason}`,
      });
      continue;
    }
    if (parsed.text !== raw) {
      rows.push({
        kind: 'bad',
        line,
        rule: 'LEDGER-1',
        kindOf: 'altered',
        message: `line ${line} is not in canonical form (it was edited)`,
      });
      continue;
    }
    if (!lineOf.has(parsed.id)) lineOf.set(parsed.id, line);
    rows.push({ kind: 'entry', line, entry: parsed.entry, id: parsed.id, text: parsed.text });
  }

  // ---- the fold the app runs (LEDGER-17) ---------------------------------------------
  const ledger = new Ledger({ verifier, study: header.study });
  const items: AddItem[] = [];
  for (const r of rows)
    if (r.kind === 'entry')
      items.push({
        entry: r.text,
        source: 'export',
        id: r.id,
        parsed: { entry: r.entry, text: r.text, id: r.id },
      });
  await ledger.add(items);
  const accepted = new Set(ledger.acceptedIds());
  const quarantined = new Map<string, Quarantined>();
  for (const q of ledger.quarantined())
    if (q.id && !quarantined.has(q.id)) quarantined.set(q.id, q);

  // Export checkpoints are few: verify their signatures against the named exporter.
  const cpSigs = await Promise.all(
    rows.map((r) => {
      if (r.kind !== 'checkpoint') return Promise.resolve(false);
      const sig = fromBase64url(r.sig);
      if (!sig || r.author !== header.exporter) return Promise.resolve(false);
      return verifier
        .verify(
          header.exporter,
          sig,
          checkpointMessage(header as unknown as Json, keysValue as Json, r.cp),
        )
        .catch(() => false);
    }),
  );

  // ---- the file's order and completeness (LEDGER-18) and checkpoints (LEDGER-16) -----
  const seen = new Set<string>();
  const lastOf = new Map<AuthorKey, { seq: number; id: string }>();
  const merkle = new MerkleLog();
  const cpCounts = new Set<number>();
  let previous: { ts: Entry['ts']; id: string } | null = null;
  let lastId: string | null = null;
  let sinceCheckpoint = 0;
  let finalSeen = false;
  const where = (id: string, line: number) => {
    const at = lineOf.get(id);
    return at !== undefined && at > line ? at : null;
  };
  // Checkpoints the file's entries witness (LEDGER-22): cut away, the trail is truncated.
  const witnessedBy = new Map<string, number>();
  for (const r of rows)
    if (r.kind === 'entry' && r.entry.type === 'checkpoint.witness') {
      const cp = String(r.entry.body.checkpoint);
      if (!witnessedBy.has(cp)) witnessedBy.set(cp, r.line);
    }
  const clean = new Set<number>();
  rows.forEach((row, index) => {
    const { line } = row;
    if (row.kind === 'bad') {
      report(line, null, row.kindOf, row.rule, row.message);
      return;
    }
    if (finalSeen)
      report(line, null, 'spliced', 'LEDGER-16', `line ${line} follows the final checkpoint`);
    if (row.kind === 'checkpoint') {
      out.checkpoints++;
      const cp = row.cp;
      if (cpCounts.has(cp.count))
        report(
          line,
          cp.last,
          'duplicated',
          'LEDGER-16',
          `line ${line} repeats the checkpoint at ${cp.count} entries`,
        );
      else if (!cpSigs[index])
        report(
          line,
          cp.last,
          'checkpoint',
          'LEDGER-16',
          `the checkpoint at line ${line} is not signed by the exporter (the header, keys or checkpoint was altered)`,
        );
      else if (cp.count !== merkle.count)
        report(
          line,
          cp.last,
          cp.count > merkle.count ? 'dropped' : 'duplicated',
          'LEDGER-18',
          `the checkpoint at line ${line} counts ${cp.count} entries, the file has ${merkle.count} before it`,
        );
      else if (cp.root !== merkle.root() || cp.last !== lastId)
        report(
          line,
          cp.last,
          'reordered',
          'LEDGER-18',
          `the Merkle root at line ${line} does not match the entries before it`,
        );
      cpCounts.add(cp.count);
      sinceCheckpoint = 0;
      if (cp.final) finalSeen = true;
      return;
    }
    const { entry: e, id } = row;
    const what = `${e.type} #${e.seq} by ${short(e.author)}`;
    const genesis = e.type === 'study.genesis';
    if (genesis ? id !== header.study : e.study !== header.study) {
      report(line, id, 'spliced', 'LEDGER-7', `line ${line} (${what}) belongs to another study`);
      return;
    }
    if (seen.has(id)) {
      report(line, id, 'duplicated', 'LEDGER-18', `line ${line} repeats ${what}`);
      return;
    }
    const q = quarantined.get(id);
    if (q?.code === 'bad-signature') {
      report(
        line,
        id,
        'altered',
        'LEDGER-4',
        `line ${line} (${what}): the signature does not match (the entry was altered)`,
      );
      return;
    }
    let fine = true;
    if (previous && compareEntries(previous, { ts: e.ts, id }) >= 0) {
      report(line, id, 'reordered', 'LEDGER-18', `line ${line} (${what}) is out of order`);
      fine = false;
    }
    const last = lastOf.get(e.author);
    const expected = (last?.seq ?? 0) + 1;
    if (e.seq < expected) {
      report(line, id, 'duplicated', 'LEDGER-18', `line ${line} is a second ${what}`);
      fine = false;
    } else if (e.seq > expected || e.prev !== (last?.id ?? null)) {
      fine = false;
      const later = e.prev ? where(e.prev, line) : null;
      if (later !== null)
        report(
          line,
          e.prev,
          'reordered',
          'LEDGER-18',
          `line ${line} (${what}) comes before its previous entry (line ${later})`,
        );
      else
        report(
          line,
          e.prev,
          'dropped',
          'LEDGER-18',
          `the entry before line ${line} in ${short(e.author)}'s chain (#${expected}${e.seq - 1 > expected ? `..#${e.seq - 1}` : ''}) is missing`,
        );
    }
    for (const d of e.deps) {
      if (seen.has(d)) continue;
      fine = false;
      const later = where(d, line);
      if (later !== null)
        report(
          line,
          d,
          'reordered',
          'LEDGER-18',
          `line ${line} (${what}) comes before its dependency (line ${later})`,
        );
      else
        report(
          line,
          d,
          'dropped',
          'LEDGER-18',
          `line ${line} (${what}) depends on ${short(d)}, which is missing`,
        );
    }
    if (fine) clean.add(line);
    seen.add(id);
    lastOf.set(e.author, { seq: Math.max(e.seq, last?.seq ?? 0), id });
    merkle.append(id);
    lastId = id;
    previous = { ts: e.ts, id };
    out.entries++;
    sinceCheckpoint++;
    if (sinceCheckpoint > header.checkpointEvery)
      report(
        line,
        id,
        'checkpoint',
        'LEDGER-16',
        `no checkpoint after ${header.checkpointEvery} entries (before line ${line})`,
      );
  });
  if (!finalSeen || sinceCheckpoint > 0)
    report(
      lines.length,
      lastId,
      'truncated',
      'LEDGER-22',
      `the file ends at line ${lines.length} without its final checkpoint`,
    );
  for (const [cp, line] of witnessedBy)
    if (!lineOf.has(cp))
      report(
        line,
        cp,
        'truncated',
        'LEDGER-22',
        `line ${line} witnesses checkpoint ${short(cp)}, which the trail does not reach`,
      );

  // ---- what the fold refused, at its line (LEDGER-17) --------------------------------
  for (const row of rows) {
    if (row.kind !== 'entry' || !clean.has(row.line) || accepted.has(row.id)) continue;
    const q = quarantined.get(row.id);
    if (!q) continue; // waiting on something missing: reported above as dropped
    const kind =
      q.code === 'not-authorised' && q.rule === 'LEDGER-8'
        ? 'forged'
        : q.code === 'equivocation' || q.code === 'frozen'
          ? 'equivocation'
          : q.code === 'back-dated'
            ? 'back-dated'
            : q.code === 'wrong-study'
              ? 'spliced'
              : q.code === 'version-not-newer' || q.code === 'effective-before-superseded'
                ? 'protocol-order'
                : 'unauthorised';
    report(
      row.line,
      row.id,
      kind,
      q.rule ?? 'LEDGER-17',
      `line ${row.line}: the app would quarantine this entry: ${q.reason}`,
    );
  }

  // ---- the keys line is derived data (LEDGER-19) -------------------------------------
  const state = ledger.state;
  const acceptedEntries = ledger.accepted();
  const expected = deriveKeys(
    state,
    acceptedEntries.map((e) => e.author),
    header.exporter,
  );
  const given = keysValue.keys as Record<string, unknown>;
  const names = new Set([...Object.keys(expected), ...Object.keys(given)]);
  for (const k of [...names].sort()) {
    const want = expected[k];
    const got = given[k];
    const label = `key ${k.startsWith('ed25519:') || k.startsWith('p256:') ? fingerprint(k) : short(k)}`;
    let why: string | null = null;
    if (!want) why = `${label} is listed but the trail has no such member or author`;
    else if (got === undefined) why = `${label} is missing`;
    else if (!isObject(got) || Object.keys(got).length !== 3) why = `${label} is malformed`;
    else if (got.name !== want.name)
      why = `${label} is named ${JSON.stringify(got.name)}, the trail says ${JSON.stringify(want.name)}`;
    else if (got.role !== want.role)
      why = `${label} has role ${String(got.role)}, the trail says ${String(want.role)}`;
    else if (got.fingerprint !== want.fingerprint) why = `${label} has a false fingerprint`;
    if (why) {
      report(2, null, 'keys', 'LEDGER-19', `line 2 does not match the trail: ${why}`);
      break;
    }
  }

  // ---- the exporter is a member (LEDGER-20) ------------------------------------------
  const exporterFp = fingerprint(header.exporter);
  const m = state.members.get(header.exporter);
  if (!m || m.status === 'frozen') {
    out.exporter = { fingerprint: exporterFp, status: 'not-member', upToLine: null };
    report(
      1,
      null,
      'exporter',
      'LEDGER-20',
      `line 1: the exporter (key ${exporterFp}) is ${m ? 'frozen for equivocation' : 'not a member of the study in this trail'}`,
    );
  } else if (m.status === 'revoked') {
    let upTo: number | null = null;
    const ids = ledger.acceptedIds();
    acceptedEntries.forEach((e, i) => {
      if (e.type === 'member.revoke' && e.body.key === header.exporter)
        upTo = lineOf.get(ids[i] as string) ?? upTo;
    });
    out.exporter = { fingerprint: exporterFp, status: 'revoked', upToLine: upTo };
  } else out.exporter = { fingerprint: exporterFp, status: 'member', upToLine: null };

  // ---- anchors (LEDGER-21) -----------------------------------------------------------
  const genesis = ledger.get(header.study);
  out.founder = genesis ? fingerprint(genesis.author) : null;
  if (anchors.study !== undefined) {
    out.anchored.study = true;
    if (anchors.study.trim().toLowerCase() !== header.study)
      report(
        1,
        null,
        'anchor',
        'LEDGER-21',
        `line 1: the trail is study ${short(header.study)}, not the study ${short(anchors.study.trim())} given`,
      );
  }
  if (anchors.admin !== undefined) {
    out.anchored.admin = true;
    if (!out.founder || digits(out.founder) !== digits(anchors.admin))
      report(
        lineOf.get(header.study) ?? 3,
        header.study,
        'anchor',
        'LEDGER-21',
        `the founding admin is key ${out.founder ?? '(no genesis)'}, not ${anchors.admin.trim()}`,
      );
  }

  // ---- witnessed checkpoints (LEDGER-14/15) ------------------------------------------
  const witnesses = new Map<string, Set<AuthorKey>>();
  let lastCp: { id: string; count: number } | null = null;
  let lastWitnessed: { id: string; count: number } | null = null;
  for (const e of acceptedEntries) {
    if (e.type !== 'checkpoint.witness') continue;
    const cp = String(e.body.checkpoint);
    const set = witnesses.get(cp) ?? new Set<AuthorKey>();
    set.add(e.author);
    witnesses.set(cp, set);
  }
  const ids = ledger.acceptedIds();
  acceptedEntries.forEach((e, i) => {
    if (e.type !== 'checkpoint') return;
    const id = ids[i] as string;
    lastCp = { id, count: Number(e.body.count) };
    if (witnesses.has(id)) lastWitnessed = lastCp;
  });
  const summarise = (c: { id: string; count: number } | null) =>
    c
      ? {
          id: c.id,
          line: lineOf.get(c.id) ?? 0,
          count: c.count,
          witnesses: witnesses.get(c.id)?.size ?? 0,
        }
      : null;
  out.lastCheckpoint = summarise(lastCp);
  out.lastWitnessed = summarise(lastWitnessed);
  return done();
}

/** The verdict in a few lines of words: the CLI prints them and the app shows them. */
export function describeReport(r: VerifyReport): string[] {
  if (!r.readable) return [`not an audit trail export: ${r.problems[0]?.message ?? ''}`];
  const lines = [`${r.entries} entries, ${r.checkpoints} export checkpoints`];
  if (r.ok) lines.push('intact: every entry is one the app accepts, in order, complete and signed');
  else {
    lines.push(`NOT intact: ${r.problems.length} kind(s) of problem`);
    for (const p of r.problems)
      lines.push(`  line ${p.line}: ${p.kind}${p.id ? ` (${p.id})` : ''}: ${p.message}`);
  }
  lines.push(`study ${r.study ?? '?'}, founded by the admin with key ${r.founder ?? '?'}`);
  if (!r.anchored.study && !r.anchored.admin)
    lines.push(
      'internal consistency only: compare the study id and founding admin above with what you know (--study, --admin)',
    );
  else
    lines.push(
      `anchored to ${[r.anchored.study ? 'the study id' : '', r.anchored.admin ? 'the founding admin' : ''].filter(Boolean).join(' and ')}`,
    );
  if (r.exporter)
    lines.push(
      r.exporter.status === 'revoked'
        ? `exported by key ${r.exporter.fingerprint}, revoked at line ${r.exporter.upToLine ?? '?'}: the export vouches for the trail only up to that line`
        : `exported by key ${r.exporter.fingerprint}${r.exporter.status === 'member' ? ', a member' : ', NOT a member'}`,
    );
  const w = r.lastWitnessed;
  const c = r.lastCheckpoint;
  if (!c) lines.push('no witnessed checkpoint in the trail');
  else {
    if (w)
      lines.push(
        `last witnessed checkpoint: line ${w.line} (${w.count} entries before it), witnessed by ${w.witnesses} member${w.witnesses === 1 ? '' : 's'}`,
      );
    if (!w || w.id !== c.id) lines.push(`last checkpoint: line ${c.line}, not yet witnessed`);
  }
  return lines;
}

export type { VerifyProblem };
