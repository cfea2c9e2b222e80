// The fold. Every entry's verdict depends only on its causal past (prev and deps, reached
// through its vector clock) and on two facts about the whole set: which keys are revoked
// (with their last allowed seq) and which authors equivocated. So entries can be judged in
// any causal order as they arrive, and the state is a function of the set of entries: a
// late revocation or equivocation, which changes those facts, refolds from scratch.
import { sha256 } from '../deid/sha256';
import { fromBase64url, toHex } from './base64url';
import { canonicalJson, utf8Bytes } from './canonical';
import {
  compareEntries,
  compareHlc,
  MAX_DEPS,
  parseEntry,
  signEntry,
  signingBytesOfText,
} from './entry';
import { nextHlc } from './hlc';
import { BanBook, refold } from './refold';
import { bodyProblem, isEntryType, mayAuthor } from './policy';
import { publishedOf, publishOrderProblem, type PublishedVersion } from './protocol-order';
import type {
  AddItem,
  AddReport,
  AuthorKey,
  Entry,
  EntryId,
  Json,
  LedgerRule,
  Member,
  QuarantineCode,
  Quarantined,
  Role,
  SignatureVerifier,
  Signer,
  StudyState,
  UnsignedEntry,
} from './types';

export class LedgerError extends Error {
  constructor(
    readonly code: QuarantineCode | 'no-study' | 'pending',
    message: string,
  ) {
    super(message);
  }
}

type Clock = Record<AuthorKey, number>;
type Verdict =
  | { status: 'accepted' }
  | { status: 'rejected'; code: QuarantineCode; rule: LedgerRule; reason: string }
  | { status: 'pending'; on: EntryId };

interface Node {
  id: EntryId;
  entry: Entry;
  text: string;
  source: string;
  status: 'unjudged' | 'pending' | 'accepted' | 'rejected';
  code?: QuarantineCode;
  rule?: LedgerRule;
  reason?: string;
  clock?: Clock;
}

interface Fold {
  accepted: Node[];
  sorted: boolean;
  heads: Set<EntryId>;
  /** Accepted member.grant / member.revoke / genesis nodes by the key they concern. */
  roleChanges: Map<AuthorKey, Node[]>;
  /** Accepted rename or grant nodes naming each key: the latest (ts, id) gives the name. */
  names: Map<AuthorKey, Node>;
  studyFields: Map<string, Node>;
  assigns: Map<string, Node[]>;
  /** Accepted checkpoint.witness nodes by the checkpoint they co-sign. */
  witnesses: Map<EntryId, Node[]>;
  /** Accepted protocol.publish nodes by protocol id (LEDGER-26). */
  publishes: Map<string, Node[]>;
  genesis: Node | null;
  /** Bans found by accepted revocations: key -> last allowed seq. */
  found: Map<AuthorKey, number>;
  waiting: Map<EntryId, Node[]>;
  /**
   * Highest accepted seq per author. A new freeze or ban refolds only when it reaches an
   * accepted entry: a rejected one stays rejected (its code may name the first reason
   * found), so a stranger cannot force a refold per equivocation it sends.
   */
  maxAcceptedSeq: Map<AuthorKey, number>;
}

const CHECK_CHUNK = 512;
/** The rule each check before the fold enforces (SPEC.md). */
const SCREEN_RULES: Partial<Record<QuarantineCode, LedgerRule>> = {
  'hash-mismatch': 'LEDGER-3',
  'unknown-type': 'LEDGER-9',
  malformed: 'LEDGER-9',
  'wrong-study': 'LEDGER-7',
};
const MAX_QUARANTINE = 100_000;

function short(key: string): string {
  return key.length > 20 ? `${key.slice(0, 16)}…` : key;
}

function describe(e: Entry): string {
  return `${e.type} #${e.seq} by ${short(e.author)}`;
}

function later(a: Node, b: Node): boolean {
  return compareEntries({ ts: a.entry.ts, id: a.id }, { ts: b.entry.ts, id: b.id }) > 0;
}

function inPast(clock: Clock, n: Node): boolean {
  return (clock[n.entry.author] ?? 0) >= n.entry.seq;
}

/**
 * How many entries lie in the causal past of the entry whose clock this is (itself
 * excluded): an author's chain has no gaps, so seeing its #k means seeing its #1..#k.
 */
function pastCount(clock: Clock, self: AuthorKey): number {
  let sum = 0;
  for (const [k, v] of Object.entries(clock)) sum += k === self ? v - 1 : v;
  return sum;
}

function cut(input: unknown): unknown {
  if (typeof input === 'string' && input.length > 1024) return input.slice(0, 1024);
  return input;
}

function emptyFold(): Fold {
  return {
    accepted: [],
    sorted: true,
    heads: new Set(),
    roleChanges: new Map(),
    names: new Map(),
    studyFields: new Map(),
    assigns: new Map(),
    witnesses: new Map(),
    publishes: new Map(),
    genesis: null,
    found: new Map(),
    waiting: new Map(),
    maxAcceptedSeq: new Map(),
  };
}

export class Ledger {
  private readonly verifier: SignatureVerifier;
  private studyId: string | null;
  /** Entries that passed size, schema, study, hash and signature: the set the fold is over. */
  private readonly pool = new Map<EntryId, Node>();
  private readonly slots = new Map<string, EntryId[]>();
  private readonly frozenAt = new Map<AuthorKey, number>();
  private readonly contiguous = new Map<AuthorKey, number>();
  private readonly ownLast = new Map<AuthorKey, Node>();
  /** Entries received before the genesis that names their study. */
  private beforeGenesis: AddItem[] = [];
  private readonly badIds = new Set<string>();
  private readonly early: Quarantined[] = [];
  /** Bans in force and the keys whose revocations can move them (refold.ts). */
  private readonly bans = new BanBook();
  private readonly pending = new Set<Node>();
  private fold: Fold = emptyFold();
  /** Counts every change to accepted() other than entries added at its end. */
  private reorders = 0;

  constructor(opts: { verifier: SignatureVerifier; study?: string }) {
    this.verifier = opts.verifier;
    this.studyId = opts.study ?? null;
  }

  static async genesis(
    signer: Signer,
    body: {
      name: string;
      sites: { id: string; name: string }[];
      relays: string[];
      adminName: string;
    },
    nowMs: number,
  ): Promise<Entry> {
    const unsigned: UnsignedEntry = {
      v: 1,
      study: '',
      author: signer.author,
      seq: 1,
      prev: null,
      deps: [],
      ts: nextHlc(nowMs, []),
      type: 'study.genesis',
      body: body as unknown as { [key: string]: Json },
    };
    const problem = bodyProblem('study.genesis', unsigned.body);
    if (problem) throw new LedgerError('malformed', problem);
    const entry = await signEntry(signer, unsigned);
    const parsed = parseEntry(entry);
    if (!parsed.ok) throw new LedgerError(parsed.code, parsed.reason);
    return entry;
  }

  get study(): string | null {
    return this.studyId;
  }

  /** The next entry of `signer`, judged as the fold would judge it; not added. */
  async create(
    signer: Signer,
    type: string,
    body: { [key: string]: Json },
    nowMs: number,
  ): Promise<Entry> {
    const study = this.fold.genesis?.id;
    if (!study) throw new LedgerError('no-study', 'no study: the genesis entry is not known yet');
    if (!isEntryType(type)) throw new LedgerError('unknown-type', `unknown entry type ${type}`);
    const problem = bodyProblem(type, body);
    if (problem) throw new LedgerError('malformed', problem);
    const { last, deps } = this.nextRefs(signer.author);
    if (last && (last.status === 'pending' || last.status === 'unjudged'))
      throw new LedgerError('pending', 'your previous entry is still waiting for its dependencies');
    const seen = deps.map((d) => this.node(d).entry.ts);
    if (last) seen.push(last.entry.ts);
    const unsigned: UnsignedEntry = {
      v: 1,
      study,
      author: signer.author,
      seq: last ? last.entry.seq + 1 : 1,
      prev: last ? last.id : null,
      deps,
      ts: nextHlc(nowMs, seen),
      type,
      body,
    };
    const entry = await signEntry(signer, unsigned);
    const parsed = parseEntry(entry);
    if (!parsed.ok) throw new LedgerError(parsed.code, parsed.reason);
    const node: Node = {
      id: parsed.id,
      entry: parsed.entry,
      text: parsed.text,
      source: 'local',
      status: 'unjudged',
    };
    const slot = this.slots.get(`${signer.author}\n${unsigned.seq}`);
    if (slot?.length) throw new LedgerError('equivocation', 'this key already wrote that seq');
    const verdict = this.judge(node);
    if (verdict.status === 'rejected') throw new LedgerError(verdict.code, verdict.reason);
    if (verdict.status === 'pending') throw new LedgerError('pending', 'dependencies missing');
    return entry;
  }

  /**
   * The count a checkpoint by `author` created next would state (LEDGER-14): the entries
   * in the causal past its prev and deps give it.
   */
  checkpointCount(author: AuthorKey): number {
    const { last, deps } = this.nextRefs(author);
    const clock: Clock = {};
    for (const n of [...(last ? [last] : []), ...deps.map((d) => this.node(d))])
      for (const [k, v] of Object.entries(n.clock ?? {})) if (v > (clock[k] ?? 0)) clock[k] = v;
    return Object.values(clock).reduce((a, b) => a + b, 0);
  }

  /** What `author`'s next entry chains to and depends on (the heads, newest 256). */
  private nextRefs(author: AuthorKey): { last: Node | null; deps: EntryId[] } {
    const last = this.ownLast.get(author) ?? null;
    const deps = [...this.fold.heads].filter((h) => h !== last?.id);
    if (deps.length > MAX_DEPS) {
      deps.sort((a, b) => (later(this.node(a), this.node(b)) ? -1 : 1));
      deps.length = MAX_DEPS;
    }
    deps.sort();
    return { last, deps };
  }

  async add(items: readonly AddItem[]): Promise<AddReport> {
    const report: AddReport = { accepted: [], duplicates: 0, quarantined: [], pending: 0 };
    const fresh: Node[] = [];
    const seenNow = new Set<string>();
    const toCheck: Node[] = [];
    for (const item of items) {
      const node = this.screen(item, report, seenNow);
      if (node) toCheck.push(node);
    }
    for (let i = 0; i < toCheck.length; i += CHECK_CHUNK) {
      const chunk = toCheck.slice(i, i + CHECK_CHUNK);
      const oks = await Promise.all(chunk.map((n) => this.checkSignature(n)));
      chunk.forEach((n, k) => {
        if (oks[k]) fresh.push(n);
        else {
          this.badIds.add(n.id);
          this.quarantine(report, {
            id: n.id,
            entry: n.text,
            code: 'bad-signature',
            rule: 'LEDGER-4',
            reason: `${describe(n.entry)}: the signature does not match the author's key`,
            source: n.source,
          });
        }
      });
    }
    if (fresh.length === 0) {
      report.pending = this.pendingCount();
      return report;
    }
    let refold = false;
    const genesisNow = fresh.some((n) => n.entry.type === 'study.genesis');
    for (const n of fresh) if (this.insert(n)) refold = true;
    const touched: { node: Node; was: Node['status'] }[] = [];
    if (!refold) {
      fresh.sort((a, b) => (later(a, b) ? 1 : -1));
      refold = !this.judgeMany(fresh, touched);
    }
    if (refold) {
      // A refold is O(n) anyway, so the report may compare every node before and after.
      const before = new Map<EntryId, Node['status']>();
      for (const n of this.pool.values()) before.set(n.id, n.status);
      for (const t of touched) before.set(t.node.id, t.was);
      this.refold();
      for (const n of this.pool.values()) this.report(n, before.get(n.id), report);
    } else {
      for (const t of touched) this.report(t.node, t.was, report);
    }
    if (genesisNow && this.beforeGenesis.length) {
      const held = this.beforeGenesis;
      this.beforeGenesis = [];
      const more = await this.add(held);
      report.accepted.push(...more.accepted);
      report.quarantined.push(...more.quarantined);
      report.duplicates += more.duplicates;
    }
    report.pending = this.pendingCount();
    return report;
  }

  get state(): StudyState {
    const f = this.fold;
    const g = f.genesis;
    let study: StudyState['study'] = null;
    if (g) {
      const b = g.entry.body;
      const field = (k: string, initial: Json | undefined): Json | undefined => {
        const n = f.studyFields.get(k);
        return n ? n.entry.body.next : initial;
      };
      study = {
        id: g.id,
        name: String(field('name', b.name)),
        sites: (field('sites', b.sites) ?? []) as { id: string; name: string }[],
        relays: (field('relays', b.relays) ?? []) as string[],
      };
    }
    const members = new Map<AuthorKey, Member>();
    for (const [key, changes] of f.roleChanges) {
      let latest: Node | undefined;
      for (const c of changes) if (!latest || later(c, latest)) latest = c;
      if (!latest) continue;
      const b = latest.entry.body;
      const granted = latest.entry.type !== 'member.revoke';
      const grant = latest.entry.type === 'member.grant';
      const nameNode = f.names.get(key);
      const name = !nameNode
        ? ''
        : nameNode.entry.type === 'member.rename'
          ? String(nameNode.entry.body.next)
          : nameNode.entry.type === 'study.genesis'
            ? String(nameNode.entry.body.adminName)
            : String(nameNode.entry.body.name);
      const status: Member['status'] = this.frozenAt.has(key)
        ? 'frozen'
        : !granted || this.bans.cutOff(key) !== undefined
          ? 'revoked'
          : 'active';
      members.set(key, {
        author: key,
        name,
        role: granted ? (grant ? (b.role as Role) : 'admin') : null,
        site: grant ? ((b.site as string | null) ?? null) : null,
        boxKey: grant ? ((b.boxKey as string | null) ?? null) : null,
        status,
        grantedAt: latest.id,
      });
    }
    const frozen = new Map<AuthorKey, string>();
    for (const [key, seq] of this.frozenAt)
      frozen.set(key, `${short(key)} signed two different entries as #${seq}`);
    return { study, members, frozen, heads: [...f.heads].sort() };
  }

  /** Accepted entries in fold order: (ts.ms, ts.c, id), which respects every causal edge. */
  accepted(): readonly Entry[] {
    return this.acceptedNodes().map((n) => n.entry);
  }

  /**
   * Changes whenever accepted() changes other than by entries added at its end (an entry
   * that sorts before the last, a refold): a view that read accepted() up to n under one
   * order version reads only from n on while it is unchanged.
   */
  get orderVersion(): number {
    return this.reorders;
  }

  acceptedCount(): number {
    return this.fold.accepted.length;
  }

  /** accepted() from position `start` on, without copying the entries before it. */
  acceptedFrom(start: number): readonly Entry[] {
    return this.acceptedNodes()
      .slice(start)
      .map((n) => n.entry);
  }

  /** An accepted entry and every accepted entry in its causal past, in fold order. */
  pastOf(id: EntryId): readonly Entry[] {
    const n = this.pool.get(id);
    if (!n || n.status !== 'accepted' || !n.clock) return [];
    const clock = n.clock;
    return this.acceptedNodes()
      .filter((m) => inPast(clock, m))
      .map((m) => m.entry);
  }

  /** The author's latest entry this ledger holds (what its next entry chains to). */
  lastOf(author: AuthorKey): Entry | undefined {
    return this.ownLast.get(author)?.entry;
  }

  /** The ids of accepted(), in the same order. */
  acceptedIds(): readonly EntryId[] {
    return this.acceptedNodes().map((n) => n.id);
  }

  get(id: EntryId): Entry | undefined {
    return this.pool.get(id)?.entry;
  }

  /** The canonical text of a known entry (what storage and sync carry). */
  text(id: EntryId): string | undefined {
    return this.pool.get(id)?.text;
  }

  has(id: EntryId): boolean {
    return this.pool.has(id) || this.badIds.has(id);
  }

  /** The role `author` holds now (null when none, revoked or frozen). */
  roleOf(author: AuthorKey): Role | null {
    const m = this.state.members.get(author);
    return m && m.status === 'active' ? m.role : null;
  }

  quarantined(): readonly Quarantined[] {
    const rejected = [...this.pool.values()]
      .filter((n) => n.status === 'rejected')
      .sort((a, b) => (later(a, b) ? 1 : -1))
      .map((n) => this.item(n));
    return [...this.early, ...rejected];
  }

  pendingCount(): number {
    return this.beforeGenesis.length + this.pending.size;
  }

  /** Per author, the highest seq up to which this ledger holds every entry. */
  vector(): Record<AuthorKey, number> {
    const out: Record<AuthorKey, number> = {};
    for (const [k, v] of [...this.contiguous].sort((a, b) => (a[0] < b[0] ? -1 : 1))) out[k] = v;
    return out;
  }

  /** Ids that pending entries wait for (e.g. the other half of an equivocation). */
  wanted(): EntryId[] {
    return [...this.fold.waiting.keys()].filter((id) => !this.pool.has(id)).sort();
  }

  /**
   * Every valid entry the holder of `vector` lacks, in fold order (parents first), plus
   * the entries it names in `wanted`. A vector cannot tell two entries under one seq apart,
   * so the entry at each author's boundary is sent too (a differing one there reveals an
   * equivocation), and a frozen author's entries from its freeze on.
   */
  missingFor(vector: Record<AuthorKey, number>, wanted: readonly EntryId[] = []): Entry[] {
    const has = (k: string) => Object.prototype.hasOwnProperty.call(vector, k);
    const want = new Set(wanted);
    const out = [...this.pool.values()].filter((n) => {
      const { author, seq } = n.entry;
      const known = has(author) ? Number(vector[author]) || 0 : 0;
      return want.has(n.id) || seq >= known || seq >= (this.frozenAt.get(author) ?? Infinity);
    });
    out.sort((a, b) => (later(a, b) ? 1 : -1));
    return out.map((n) => n.entry);
  }

  /** Hex SHA-256 over the study, members, frozen authors and accepted ids in fold order. */
  stateHash(): string {
    const s = this.state;
    const members = [...s.members.values()]
      .sort((a, b) => (a.author < b.author ? -1 : 1))
      .map((m) => [m.author, m.name, m.role, m.site, m.boxKey, m.status, m.grantedAt]);
    const frozen = [...s.frozen.keys()].sort();
    const ids = this.acceptedNodes().map((n) => n.id);
    const text = canonicalJson({
      study: s.study as unknown as Json,
      members,
      frozen,
      heads: s.heads,
      ids,
    });
    return toHex(sha256(utf8Bytes(text)));
  }

  // ---- internals -------------------------------------------------------------------

  private node(id: EntryId): Node {
    const n = this.pool.get(id);
    if (!n) throw new Error(`unknown entry ${id}`);
    return n;
  }

  private acceptedNodes(): Node[] {
    const f = this.fold;
    if (!f.sorted) {
      f.accepted.sort((a, b) => (later(a, b) ? 1 : -1));
      f.sorted = true;
    }
    return f.accepted;
  }

  private item(n: Node): Quarantined {
    return {
      id: n.id,
      entry: n.text,
      code: n.code ?? 'malformed',
      rule: n.rule ?? 'LEDGER-2',
      reason: n.reason ?? '',
      source: n.source,
    };
  }

  private quarantine(report: AddReport, q: Quarantined): void {
    report.quarantined.push(q);
    if (this.early.length < MAX_QUARANTINE) this.early.push(q);
  }

  /** Size, schema, type, study and claimed hash: everything that needs no key. */
  private screen(item: AddItem, report: AddReport, seenNow: Set<string>): Node | null {
    const parsed = item.parsed ? ({ ok: true, ...item.parsed } as const) : parseEntry(item.entry);
    if (!parsed.ok) {
      this.quarantine(report, {
        id: null,
        entry: cut(item.entry),
        code: parsed.code,
        rule: parsed.rule,
        reason: parsed.reason,
        source: item.source,
      });
      return null;
    }
    const { entry, id, text } = parsed;
    if (this.pool.has(id) || this.badIds.has(id) || seenNow.has(id)) {
      report.duplicates++;
      return null;
    }
    const fail = (
      code: QuarantineCode,
      reason: string,
      rule: LedgerRule = SCREEN_RULES[code] ?? 'LEDGER-2',
    ): null => {
      // A wrong claimed id is the sender's fault, not the entry's: it may still arrive intact.
      if (code !== 'hash-mismatch') this.badIds.add(id);
      seenNow.add(id);
      this.quarantine(report, { id, entry: text, code, rule, reason, source: item.source });
      return null;
    };
    if (item.id !== undefined && item.id !== id)
      return fail(
        'hash-mismatch',
        `${describe(entry)} arrived as ${String(item.id).slice(0, 16)}… but hashes to ${id.slice(0, 16)}…`,
      );
    if (!isEntryType(entry.type))
      return fail('unknown-type', `${describe(entry)}: unknown entry type`);
    const problem = bodyProblem(entry.type, entry.body);
    if (problem) return fail('malformed', `${describe(entry)}: ${problem}`);
    if (entry.type === 'study.genesis') {
      if (entry.seq !== 1)
        return fail('malformed', `${describe(entry)}: a genesis entry is seq 1`, 'LEDGER-7');
      if (entry.deps.length)
        return fail('malformed', `${describe(entry)}: a genesis entry has no deps`, 'LEDGER-7');
      if (this.studyId !== null && id !== this.studyId)
        return fail('wrong-study', `${describe(entry)} starts another study (${id.slice(0, 16)}…)`);
    } else if (this.studyId === null) {
      if (this.beforeGenesis.length < MAX_QUARANTINE) this.beforeGenesis.push(item);
      seenNow.add(id);
      return null;
    } else if (entry.study !== this.studyId) {
      return fail(
        'wrong-study',
        `${describe(entry)} belongs to study ${entry.study.slice(0, 16)}…, not this one`,
      );
    }
    seenNow.add(id);
    return { id, entry, text, source: item.source, status: 'unjudged' };
  }

  private async checkSignature(n: Node): Promise<boolean> {
    const sig = fromBase64url(n.entry.sig);
    if (!sig) return false;
    try {
      return await this.verifier.verify(
        n.entry.author,
        sig,
        signingBytesOfText(n.text, n.entry.sig),
      );
    } catch {
      return false;
    }
  }

  /** Adds a signed-valid node to the set; true when it changes a set-wide fact (freeze). */
  private insert(n: Node): boolean {
    if (n.entry.type === 'study.genesis' && this.studyId === null) this.studyId = n.id;
    this.pool.set(n.id, n);
    const { author, seq } = n.entry;
    const key = `${author}\n${seq}`;
    const slot = this.slots.get(key);
    if (slot) slot.push(n.id);
    else this.slots.set(key, [n.id]);
    const own = this.ownLast.get(author);
    if (!own || seq > own.entry.seq) this.ownLast.set(author, n);
    let c = this.contiguous.get(author) ?? 0;
    while (this.slots.has(`${author}\n${c + 1}`)) c++;
    this.contiguous.set(author, c);
    if (slot) {
      const at = this.frozenAt.get(author);
      if (at === undefined || seq < at) {
        this.frozenAt.set(author, seq);
        return (this.fold.maxAcceptedSeq.get(author) ?? 0) >= seq;
      }
    }
    return false;
  }

  /** Judges nodes (and whatever they unblock); false when a new ban needs a refold. */
  private judgeMany(nodes: Node[], touched: { node: Node; was: Node['status'] }[]): boolean {
    const queue = [...nodes];
    for (let i = 0; i < queue.length; i++) {
      const n = queue[i] as Node;
      if (n.status !== 'unjudged' && n.status !== 'pending') continue;
      touched.push({ node: n, was: n.status });
      const verdict = this.judge(n);
      if (verdict.status === 'pending') {
        this.park(n, verdict.on);
        continue;
      }
      if (!this.apply(n, verdict)) return false;
      // Revocations decide each other (two admins revoking each other): their outcome is
      // the refold's fixed point over the whole set, never the order they arrived in.
      if (n.entry.type === 'member.revoke' && this.bans.adminEver.has(n.entry.author)) return false;
      const woken = this.fold.waiting.get(n.id);
      if (woken) {
        this.fold.waiting.delete(n.id);
        queue.push(...woken);
      }
    }
    return true;
  }

  private judge(n: Node): Verdict {
    const e = n.entry;
    const no = (code: QuarantineCode, rule: LedgerRule, reason: string): Verdict => ({
      status: 'rejected',
      code,
      rule,
      reason: `${describe(e)}${reason}`,
    });
    const refs: Node[] = [];
    if (e.prev !== null) {
      const p = this.pool.get(e.prev);
      if (!p) return { status: 'pending', on: e.prev };
      refs.push(p);
    }
    for (const d of e.deps) {
      const p = this.pool.get(d);
      if (!p) return { status: 'pending', on: d };
      refs.push(p);
    }
    for (const r of refs)
      if (compareHlc(r.entry.ts, e.ts) >= 0)
        return no(
          'back-dated',
          'LEDGER-6',
          ` is dated at or before ${describe(r.entry)}, which it depends on`,
        );
    for (const r of refs)
      if (r.status === 'pending' || r.status === 'unjudged') return { status: 'pending', on: r.id };
    const frozen = this.frozenAt.get(e.author);
    if (frozen !== undefined && e.seq >= frozen) {
      const twin = (this.slots.get(`${e.author}\n${e.seq}`)?.length ?? 0) > 1;
      return twin
        ? no(
            'equivocation',
            'LEDGER-13',
            `: ${short(e.author)} signed two different entries as #${e.seq}`,
          )
        : no(
            'frozen',
            'LEDGER-13',
            `: ${short(e.author)} is frozen since equivocating at #${frozen}`,
          );
    }
    const prev = e.prev === null ? null : (refs[0] as Node);
    if (prev && (prev.entry.author !== e.author || prev.entry.seq !== e.seq - 1))
      return no(
        'broken-chain',
        'LEDGER-5',
        `: prev is ${describe(prev.entry)}, not the author's #${e.seq - 1}`,
      );
    const ban = this.bans.cutOff(e.author);
    if (ban !== undefined && e.seq > ban)
      return no('revoked', 'LEDGER-11', `: the key was revoked after #${ban}`);
    if (e.type === 'study.genesis') {
      if (this.fold.genesis && this.fold.genesis.id !== n.id)
        return no('wrong-study', 'LEDGER-7', ': a second genesis');
      return { status: 'accepted' };
    }
    const clock = this.clockOf(n, refs);
    const { role, revokedBy } = this.roleAt(e.author, clock);
    if (role === null)
      return revokedBy
        ? no('revoked', 'LEDGER-8', `: the author's role was revoked by ${revokedBy}`)
        : no('not-authorised', 'LEDGER-8', ': the author is not a member of the study');
    if (!isEntryType(e.type) || !mayAuthor(e.type, role))
      return no('not-authorised', 'LEDGER-9', `: a ${role} may not write ${e.type}`);
    const problem = this.predicate(n, role, clock);
    return problem
      ? no(problem.code ?? 'predicate', problem.rule, `: ${problem.text}`)
      : { status: 'accepted' };
  }

  private clockOf(n: Node, refs: Node[]): Clock {
    if (n.clock) return n.clock;
    const clock: Clock = {};
    for (const r of refs)
      for (const [k, v] of Object.entries(r.clock ?? {})) if (v > (clock[k] ?? 0)) clock[k] = v;
    clock[n.entry.author] = n.entry.seq;
    return clock;
  }

  /** The author's role as of `clock`: the latest role change for it in that causal past. */
  private roleAt(author: AuthorKey, clock: Clock): { role: Role | null; revokedBy: string | null } {
    let latest: Node | null = null;
    for (const c of this.fold.roleChanges.get(author) ?? [])
      if (inPast(clock, c) && (!latest || later(c, latest))) latest = c;
    if (!latest) return { role: null, revokedBy: null };
    if (latest.entry.type === 'study.genesis') return { role: 'admin', revokedBy: null };
    if (latest.entry.type === 'member.revoke')
      return { role: null, revokedBy: describe(latest.entry) };
    return { role: latest.entry.body.role as Role, revokedBy: null };
  }

  private predicate(
    n: Node,
    role: Role,
    clock: Clock,
  ): { rule: LedgerRule; text: string; code?: QuarantineCode } | null {
    const e = n.entry;
    const b = e.body;
    const fail = (rule: LedgerRule, text: string) => ({ rule, text });
    switch (e.type) {
      case 'protocol.publish': {
        // Judged against the publishes the author had seen (its causal past), like every
        // predicate, so the verdict does not depend on the order entries arrive in.
        const next = publishedOf(b);
        if (!next) return null;
        const seen: PublishedVersion[] = [];
        for (const p of this.fold.publishes.get(next.protocol) ?? [])
          if (p.id !== n.id && inPast(clock, p)) {
            const v = publishedOf(p.entry.body);
            if (v) seen.push(v);
          }
        const order = publishOrderProblem(seen, next);
        return order ? { rule: 'LEDGER-26', text: order.reason, code: order.code } : null;
      }
      case 'member.grant': {
        const { revokedBy } = this.roleAt(String(b.key), clock);
        return revokedBy
          ? fail('LEDGER-12', `the key was revoked by ${revokedBy}: grant a new key instead`)
          : null;
      }
      case 'member.revoke':
        return b.key === e.author ? fail('LEDGER-10', 'an admin cannot revoke its own key') : null;
      case 'read.assign': {
        const r = this.roleAt(String(b.reader), clock).role;
        return r === 'reader' || r === 'adjudicator'
          ? null
          : fail('LEDGER-10', 'the assigned key is not a reader');
      }
      case 'read.submit': {
        const assigns = (this.fold.assigns.get(String(b.assignment)) ?? []).filter((a) =>
          inPast(clock, a),
        );
        if (!assigns.length)
          return fail('LEDGER-10', `no assignment ${String(b.assignment)} is known to the author`);
        return assigns.some(
          (a) => a.entry.body.reader === e.author && a.entry.body.subject === b.subject,
        )
          ? null
          : fail(
              'LEDGER-10',
              `${short(e.author)} is not the reader assigned to ${String(b.assignment)}`,
            );
      }
      case 'correction': {
        const target = this.pool.get(String(b.target));
        if (!target || target.status !== 'accepted' || !inPast(clock, target))
          return fail(
            'LEDGER-10',
            'the corrected entry is not an accepted entry the author has seen',
          );
        return target.entry.author === e.author || role === 'admin'
          ? null
          : fail('LEDGER-10', 'only the entry’s author or an admin may correct it');
      }
      case 'checkpoint': {
        const past = pastCount(clock, e.author);
        return b.count === past
          ? null
          : fail(
              'LEDGER-14',
              `it counts ${String(b.count)} entries, its causal past holds ${past}`,
            );
      }
      case 'checkpoint.witness': {
        const cp = this.pool.get(String(b.checkpoint));
        if (!cp || cp.status !== 'accepted' || cp.entry.type !== 'checkpoint' || !inPast(clock, cp))
          return fail('LEDGER-15', 'the witnessed checkpoint is not one the author has seen');
        if (cp.entry.author === e.author)
          return fail('LEDGER-15', 'a checkpoint is witnessed by another member than its author');
        if (cp.entry.body.count !== b.count)
          return fail('LEDGER-15', 'the witness does not repeat the checkpoint’s count');
        const twice = (this.fold.witnesses.get(cp.id) ?? []).some(
          (w) => w.entry.author === e.author && w.id !== n.id,
        );
        return twice ? fail('LEDGER-15', 'the author already witnessed this checkpoint') : null;
      }
      default:
        return null;
    }
  }

  /** Records a verdict; false when a new ban reaches entries already judged. */
  private apply(n: Node, v: Exclude<Verdict, { status: 'pending' }>): boolean {
    const f = this.fold;
    const e = n.entry;
    const refs = [e.prev, ...e.deps]
      .filter((r): r is string => r !== null)
      .map((r) => this.node(r));
    n.clock = this.clockOf(n, refs);
    this.pending.delete(n);
    if (v.status === 'rejected') {
      n.status = 'rejected';
      n.code = v.code;
      n.rule = v.rule;
      n.reason = v.reason;
      return true;
    }
    n.status = 'accepted';
    f.maxAcceptedSeq.set(e.author, Math.max(f.maxAcceptedSeq.get(e.author) ?? 0, e.seq));
    n.code = undefined;
    n.rule = undefined;
    n.reason = undefined;
    const last = f.accepted[f.accepted.length - 1];
    if (last && later(last, n)) {
      f.sorted = false;
      this.reorders++;
    }
    f.accepted.push(n);
    for (const r of refs) f.heads.delete(r.id);
    f.heads.add(n.id);
    const b = e.body;
    const pushTo = <K>(map: Map<K, Node[]>, k: K) => {
      const list = map.get(k);
      if (list) list.push(n);
      else map.set(k, [n]);
    };
    const nameIt = (k: AuthorKey) => {
      const cur = f.names.get(k);
      if (!cur || later(n, cur)) f.names.set(k, n);
    };
    switch (e.type) {
      case 'study.genesis':
        f.genesis = n;
        this.bans.adminEver.add(e.author);
        pushTo(f.roleChanges, e.author);
        nameIt(e.author);
        break;
      case 'member.grant':
        if (b.role === 'admin') this.bans.adminEver.add(String(b.key));
        pushTo(f.roleChanges, String(b.key));
        nameIt(String(b.key));
        break;
      case 'member.rename':
        nameIt(e.author);
        break;
      case 'member.revoke': {
        const key = String(b.key);
        pushTo(f.roleChanges, key);
        const upTo = Number(b.upTo);
        const had = f.found.get(key);
        if (had === undefined || upTo < had) f.found.set(key, upTo);
        if (this.bans.revoke(key, upTo, f.maxAcceptedSeq.get(key) ?? 0)) return false;
        break;
      }
      case 'study.update': {
        const cur = f.studyFields.get(String(b.field));
        if (!cur || later(n, cur)) f.studyFields.set(String(b.field), n);
        break;
      }
      case 'read.assign':
        pushTo(f.assigns, String(b.assignment));
        break;
      case 'checkpoint.witness':
        pushTo(f.witnesses, String(b.checkpoint));
        break;
      case 'protocol.publish':
        pushTo(f.publishes, String(b.protocol));
        break;
    }
    return true;
  }

  /** Judges the whole set again, with the bans settled as refold.ts explains. */
  private refold(): void {
    const nodes = [...this.pool.values()].sort((a, b) => (later(a, b) ? 1 : -1));
    refold(nodes, this.bans, {
      reset: () => {
        this.fold = emptyFold();
        this.reorders++;
        this.pending.clear();
        for (const n of nodes) {
          n.status = 'unjudged';
          n.clock = undefined;
        }
      },
      // Sorted by HLC, so every node's refs that are present come before it.
      judge: (n) => {
        const v = this.judge(n);
        if (v.status === 'pending') this.park(n, v.on);
        else this.apply(n, v);
      },
      found: () => this.fold.found,
    });
  }

  /** Holds a node until the entry it waits on arrives. */
  private park(n: Node, on: EntryId): void {
    n.status = 'pending';
    this.pending.add(n);
    const list = this.fold.waiting.get(on);
    if (list) list.push(n);
    else this.fold.waiting.set(on, [n]);
  }

  private report(n: Node, was: Node['status'] | undefined, report: AddReport): void {
    if (n.status === was) return;
    if (n.status === 'accepted') report.accepted.push(n.entry);
    else if (n.status === 'rejected') report.quarantined.push(this.item(n));
  }
}
