// A study built through the public API: an admin, one member per role, and helpers to
// write honest entries (through create) and hostile ones (drafted and signed directly).
import { expect } from 'vitest';
import {
  Ledger,
  entryId,
  nextHlc,
  signEntry,
  type Entry,
  type Json,
  type Role,
  type Signer,
  type UnsignedEntry,
} from '../../../src/core/ledger';
import { makeSigner, verifier, type Algorithm } from './signer';

export const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
type Body = { [key: string]: Json };

export function grantBody(
  key: string,
  role: Role,
  name = 'Member',
  site: string | null = null,
): Body {
  return {
    key,
    name,
    boxKey: null,
    role,
    site: role === 'site' ? (site ?? 's1') : null,
    previous: null,
    reason: 'joins the study',
  };
}

export function revokeBody(key: string, upTo: number): Body {
  return {
    key,
    upTo,
    previous: { role: 'reader', site: null },
    reason: 'left the study',
    rotation: { epoch: 1, secrets: {} },
  };
}

export function folderBody(n = 1): Body {
  return {
    folder: `f${n}`,
    label: `Folder ${n}`,
    kind: 'directory',
    files: n,
    instances: n,
    series: 1,
    problems: 0,
    contentHash: `h${n}`,
    subjects: [`TB-${n}`],
  };
}

export const genesisBody = {
  name: 'Trial A',
  sites: [
    { id: 's1', name: 'Site one' },
    { id: 's2', name: 'Site two' },
  ],
  relays: [],
  adminName: 'Ada',
};

/** The unsigned next entry of `signer` on `ledger`, with any field overridden. */
export function draftUnsigned(
  ledger: Ledger,
  author: string,
  type: string,
  body: Body,
  now: number,
  over: Partial<UnsignedEntry> = {},
): UnsignedEntry {
  const last = ledger.lastOf(author);
  const prev = last ? entryId(last) : null;
  const deps = ledger.state.heads.filter((h) => h !== prev);
  const seen = deps.map((d) => (ledger.get(d) as Entry).ts);
  if (last) seen.push(last.ts);
  return {
    v: 1,
    study: ledger.study ?? '',
    author,
    seq: last ? last.seq + 1 : 1,
    prev,
    deps,
    ts: nextHlc(now, seen),
    type,
    body,
    ...over,
  };
}

export function draft(
  ledger: Ledger,
  signer: Signer,
  type: string,
  body: Body,
  now: number,
  over: Partial<UnsignedEntry> = {},
): Promise<Entry> {
  return signEntry(signer, draftUnsigned(ledger, signer.author, type, body, now, over));
}

export interface Study {
  ledger: Ledger;
  genesis: Entry;
  admin: Signer;
  members: Record<Exclude<Role, 'admin'>, Signer>;
  stranger: Signer;
  now: () => number;
  /** create + add, expecting acceptance. */
  write(signer: Signer, type: string, body: Body): Promise<Entry>;
}

export async function makeStudy(algorithm: Algorithm = 'Ed25519'): Promise<Study> {
  const admin = await makeSigner(algorithm);
  const genesis = await Ledger.genesis(admin, genesisBody, T0);
  const ledger = new Ledger({ verifier: verifier(), study: entryId(genesis) });
  await ledger.add([{ entry: genesis, source: 'local' }]);
  let t = T0;
  const now = () => (t += 1000);
  const write = async (signer: Signer, type: string, body: Body) => {
    const e = await ledger.create(signer, type, body, now());
    const r = await ledger.add([{ entry: e, source: 'local' }]);
    expect(r.quarantined).toEqual([]);
    expect(r.accepted.length).toBe(1);
    return e;
  };
  const members = {} as Study['members'];
  for (const role of ['site', 'reader', 'adjudicator', 'monitor', 'sponsor'] as const) {
    members[role] = await makeSigner(algorithm);
    await write(admin, 'member.grant', grantBody(members[role].author, role, role));
  }
  return { ledger, genesis, admin, members, stranger: await makeSigner(algorithm), now, write };
}
