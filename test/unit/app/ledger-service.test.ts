// The ledger service end to end in Node: first run, recording, restart, invites, grants,
// rejection of what a reader may not write, revocation with room rotation, the updates
// file between two peers that never connect, and quarantine of forged input.
import { describe, expect, it } from 'vitest';
import { LedgerService, roomName } from '../../../src/app/ledger-service';
import { MemoryLedgerStore, type LedgerStore } from '../../../src/core/ports/ledger-store';
import { DexieLedgerStore, LedgerDb } from '../../../src/adapters/storage/ledger-store';
import { webCryptoVerifier } from '../../../src/adapters/crypto/verifier';
import { FakeNetwork } from './fake-room';

const verifier = webCryptoVerifier(crypto.subtle);
let dbs = 0;

function person(
  net: FakeNetwork,
  store: LedgerStore = new MemoryLedgerStore(),
  lock?: <T>(work: () => Promise<T>) => Promise<T>,
) {
  let t = Date.UTC(2026, 0, 1);
  const service = new LedgerService({
    store,
    ...(lock ? { lock } : {}),
    verifier,
    openRoom: net.openRoom,
    appUrl: () => 'http://127.0.0.1:4173/',
    now: () => (t += 1000),
  });
  return { service, store };
}

async function settle(...people: LedgerService[]) {
  for (let round = 0; round < 20; round++) {
    await Promise.all(people.map((p) => p.idle()));
    await new Promise<void>((r) => queueMicrotask(r));
  }
  await Promise.all(people.map((p) => p.idle()));
}

const fileOf = async (blob: Blob, name = 'x.json') => new File([await blob.text()], name);

describe('LedgerService', () => {
  it.each([
    ['memory', () => new MemoryLedgerStore()],
    ['dexie', () => new DexieLedgerStore(new LedgerDb(`service-${++dbs}`))],
  ] as const)(
    'first run (%s): an unnamed identity and a personal workspace where it is admin',
    async (_n, make) => {
      const net = new FakeNetwork();
      const { service, store } = person(net, make());
      await service.start();
      const me = await service.identity();
      expect(me?.name).toBe('Unnamed user');
      expect(me?.fingerprint).toMatch(/^\d{5}( \d{5}){5}$/);
      const study = await service.current();
      expect(study).toMatchObject({
        name: 'My workspace',
        myRole: 'admin',
        entries: 1,
        relays: [],
      });
      await service.record('folder.open', {
        folder: 'f1',
        label: 'case1',
        kind: 'input',
        files: 3,
        instances: 2,
        series: 1,
        problems: 1,
        contentHash: 'ab'.repeat(32),
        subjects: [],
      });
      await service.createIdentity('Alice');
      expect((await service.identity())?.name).toBe('Alice');
      const rows = await service.audit({});
      expect(rows.map((r) => r.type)).toEqual(['study.genesis', 'folder.open', 'member.rename']);
      expect(rows[1]!.summary).toContain('opened folder case1');
      expect(rows[2]!.previous).toBe('Unnamed user');
      expect(rows[2]!.next).toBe('Alice');
      service.stop();

      // A restart reads the same identity and entries back from storage.
      const again = person(net, store).service;
      await again.start();
      expect((await again.identity())?.author).toBe(me?.author);
      expect((await again.current())?.entries).toBe(3);
      expect((await again.studies()).length).toBe(1);
      again.stop();
    },
  );

  it('two tabs of one identity never sign the same seq twice', async () => {
    // One store (one origin), no room between them, one cross-tab lock.
    const store = new MemoryLedgerStore();
    let chain: Promise<unknown> = Promise.resolve();
    const lock = <T>(work: () => Promise<T>): Promise<T> => {
      const run = chain.then(work);
      chain = run.catch(() => undefined);
      return run;
    };
    const a = person(new FakeNetwork(), store, lock).service;
    await a.start();
    const b = person(new FakeNetwork(), store, lock).service;
    await b.start();
    expect((await b.identity())?.author).toBe((await a.identity())?.author);
    const body = (n: number) => ({ folder: `f${n}`, label: 'l', reason: 'r', subjects: [] });
    await Promise.all([1, 2, 3, 4].map((n) => (n % 2 ? a : b).record('folder.remove', body(n))));
    const seqs = (await store.entries((await a.current())!.id)).map((e) => e.seq);
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
    a.stop();
    b.stop();
    const c = person(new FakeNetwork(), store).service;
    await c.start();
    const view = await c.current();
    expect(view?.entries).toBe(5);
    expect(view?.members[0]?.status).toBe('active');
    c.stop();
  });

  it('refuses what the fold refuses, with the reason, and stores nothing', async () => {
    const net = new FakeNetwork();
    const { service, store } = person(net);
    await service.start();
    const id = (await service.current())!.id;
    await expect(service.record('folder.open', { folder: 'x' })).rejects.toThrow(/^Not recorded/);
    await expect(service.record('no.such.type', {})).rejects.toThrow(/^Not recorded/);
    expect((await store.entries(id)).length).toBe(1);
    service.stop();
  });

  it('a full disk leaves the fold unchanged and says so', async () => {
    const net = new FakeNetwork();
    const store = new MemoryLedgerStore();
    const { service } = person(net, store);
    await service.start();
    store.failWrites = new Error('Browser storage is full: test');
    await expect(
      service.record('folder.remove', { folder: 'f', label: 'l', reason: 'r', subjects: [] }),
    ).rejects.toThrow(/Browser storage is full/);
    expect((await service.current())?.entries).toBe(1);
    store.failWrites = null;
    await service.record('folder.remove', { folder: 'f', label: 'l', reason: 'r', subjects: [] });
    expect((await service.current())?.entries).toBe(2);
    service.stop();
  });

  it('invite, join as pending, grant, reader refused, revoke rotates the room', async () => {
    const net = new FakeNetwork();
    const alice = person(net).service;
    const bob = person(net).service;
    const carol = person(net).service;
    await Promise.all([alice.start(), bob.start(), carol.start()]);
    await alice.createIdentity('Alice');
    await bob.createIdentity('Bob');
    await carol.createIdentity('Carol');
    const trial = await alice.createStudy('Trial 7', [{ id: 's1', name: 'Site one' }]);
    const invite = await alice.invite();
    expect(invite.link).toMatch(/^http:\/\/127\.0\.0\.1:4173\/#join=[A-Za-z0-9_-]+$/);

    const joined = await bob.join(invite.link);
    expect(joined.id).toBe(trial.id);
    await carol.join(await invite.file.text());
    await settle(alice, bob, carol);
    const bobKey = (await bob.identity())!.author;
    const carolKey = (await carol.identity())!.author;
    // Bob sees himself as pending; Alice sees Bob asking, with a verified key.
    const bobView = await bob.current();
    expect(bobView?.members.find((m) => m.author === bobKey)?.status).toBe('pending');
    expect(bobView?.name).toBe('Trial 7');
    expect(alice.sync().peers.find((p) => p.author === bobKey)?.verified).toBe(true);
    const asking = (await alice.current())!.members.find((m) => m.author === bobKey);
    expect(asking).toMatchObject({ status: 'pending', name: 'Bob' });

    // A pending member may write nothing.
    await expect(
      bob.record('folder.remove', { folder: 'f', label: 'l', reason: 'r', subjects: [] }),
    ).rejects.toThrow(/^Not recorded/);

    await alice.grant(bobKey, 'reader', null, 'Reads for the trial');
    await alice.grant(carolKey, 'site', 's1', 'Site staff');
    await settle(alice, bob, carol);
    expect((await bob.current())?.myRole).toBe('reader');
    expect((await carol.current())?.mySite).toBe('s1');

    // A reader may not grant roles: refused locally, with the fold's reason.
    await expect(bob.grant(carolKey, 'admin', null, 'me too')).rejects.toThrow(/^Not recorded/);

    await alice.revoke(bobKey, 'Left the trial');
    await settle(alice, bob, carol);
    // Alice and Carol moved to the epoch-1 room; Bob did not.
    expect(net.opened.filter((n) => n === roomName(trial.id, 1)).length).toBe(2);
    const rotated = (await alice.current())!;
    expect(rotated.members.find((m) => m.author === bobKey)?.status).toBe('revoked');
    // Carol followed to epoch 1; Bob could not open the new secret.
    await alice.record('folder.remove', { folder: 'f', label: 'after', reason: 'r', subjects: [] });
    await settle(alice, bob, carol);
    expect((await carol.current())?.entries).toBe((await alice.current())?.entries);
    expect((await bob.current())!.entries).toBe(rotated.entries);
    const audit = await alice.audit({ type: 'member.grant' });
    expect(audit.map((r) => r.summary)).toEqual([
      'Alice granted reader to Bob',
      'Alice granted site (site s1) to Carol',
    ]);
    // The audit export verifies; a flipped byte does not.
    const log = await (await alice.exportAudit()).text();
    expect((await alice.verifyExport(new File([log], 'a.jsonl'))).ok).toBe(true);
    const tampered = log.replace('Left the trial', 'Left the trail');
    expect((await alice.verifyExport(new File([tampered], 'a.jsonl'))).ok).toBe(false);
    // Exporting wrote a checkpoint (LEDGER-14); Carol's app witnessed it (LEDGER-15), Bob's
    // (revoked, in the old room) did not. The next export says so, anchored to the study.
    await settle(alice, bob, carol);
    expect((await carol.audit({ type: 'checkpoint.witness' })).length).toBe(1);
    const again = await (await alice.exportAudit()).text();
    const anchored = await alice.verifyExport(new File([again], 'b.jsonl'), {
      study: trial.id,
      admin: (await alice.identity())!.fingerprint,
    });
    expect(anchored).toMatchObject({ ok: true, anchored: { study: true, admin: true } });
    expect(anchored.lastWitnessed?.witnesses).toBe(1);
    expect((await alice.current())?.founder).toBe((await alice.identity())!.fingerprint);
    // Bob's own export (a revoked member's) verifies and says up to where it vouches.
    const bobs = await bob.verifyExport(new File([await (await bob.exportAudit()).text()], 'c'));
    expect(bobs).toMatchObject({ ok: true, exporter: { status: 'revoked' } });
    for (const s of [alice, bob, carol]) s.stop();
  });

  it('presence is bound to the room rotation and a fresh nonce: a copy from another peer is not verified (LEDGER-25)', async () => {
    const net = new FakeNetwork();
    const a = person(net).service;
    const b = person(net).service;
    await Promise.all([a.start(), b.start()]);
    const study = (await a.createStudy('Presence', [])).id;
    await b.join((await a.invite()).link);
    await settle(a, b);
    const bKey = (await b.identity())!.author;
    expect(a.sync().peers.find((p) => p.author === bKey)?.verified).toBe(true);
    const key = [...net.rooms.keys()].find((k) => k.startsWith(`${roomName(study, 0)}\n`))!;
    const signed = [...net.rooms.get(key)!].map((m) => m.presence).find((p) => p?.author === bKey)!;
    expect(signed).toMatchObject({ epoch: 0, nonce: expect.any(String) });
    // Someone in the room replays Bob's signed presence after Bob has gone.
    const replay = net.openRoom({
      name: roomName(study, 0),
      password: key.split('\n')[1]!,
      relays: [],
      seed: [],
    });
    replay.setPresence({ ...signed });
    b.stop();
    await settle(a);
    const seen = a.sync().peers.find((p) => p.author === bKey);
    expect(seen).toBeDefined();
    expect(seen?.verified).toBe(false);
    // Claiming another rotation breaks the signature's binding too.
    replay.setPresence({ ...signed, epoch: 1, nonce: 'x'.repeat(22) });
    await settle(a);
    expect(a.sync().peers.find((p) => p.author === bKey)?.verified).toBe(false);
    a.stop();
    replay.destroy();
  });

  it('a member offline during a revocation re-joins after the admin restarts, with the sealed rotation it missed', async () => {
    const net = new FakeNetwork();
    const a = person(net);
    const b = person(net);
    const c = person(net);
    await Promise.all([a.service.start(), b.service.start(), c.service.start()]);
    const study = (await a.service.createStudy('Rotation', [])).id;
    const link = (await a.service.invite()).link;
    await b.service.join(link);
    await c.service.join(link);
    await settle(a.service, b.service, c.service);
    const bKey = (await b.service.identity())!.author;
    const cKey = (await c.service.identity())!.author;
    await a.service.grant(bKey, 'reader', null, 'reads');
    await a.service.grant(cKey, 'monitor', null, 'monitors');
    await settle(a.service, b.service, c.service);
    expect((await c.service.current())?.myRole).toBe('monitor');
    // Carol goes offline; Ada revokes Bob (rotating the room) and then restarts.
    c.service.stop();
    await a.service.revoke(bKey, 'left');
    await settle(a.service, b.service);
    a.service.stop();
    b.service.stop(); // nobody else keeps the old room open
    const a2 = person(net, a.store).service;
    await a2.start();
    // Carol comes back to the old room: she finds the rotation there and follows it.
    const c2 = person(net, c.store).service;
    await c2.start();
    await settle(a2, c2);
    expect(net.opened.filter((n) => n === roomName(study, 1)).length).toBeGreaterThanOrEqual(2);
    await a2.record('folder.remove', { folder: 'f', label: 'after', reason: 'r', subjects: [] });
    await settle(a2, c2);
    expect((await c2.current())?.entries).toBe((await a2.current())?.entries);
    // The old room carries nothing written after the revocation.
    const old = [...net.rooms.entries()].find(([k]) => k.startsWith(`${roomName(study, 0)}\n`));
    const texts = [...(old?.[1] ?? [])].flatMap((m) => [...m.items.values()]);
    expect(texts.some((t) => t.includes('"folder.remove"'))).toBe(false);
    for (const x of [a2, c2]) x.stop();
  });

  it('updates travel by file between peers that never connect; forgeries are quarantined', async () => {
    const a = person(new FakeNetwork()).service;
    const b = person(new FakeNetwork()).service;
    await Promise.all([a.start(), b.start()]);
    await a.createStudy('Offline trial', []);
    await b.join((await a.invite()).link);
    for (let i = 0; i < 3; i++) {
      await a.record('folder.remove', { folder: `f${i}`, label: 'l', reason: 'r', subjects: [] });
    }
    const updates = await a.exportUpdates();
    const report = await b.importUpdates(await fileOf(updates));
    expect(report).toMatchObject({ accepted: 4, quarantined: 0 });
    expect((await b.current())?.entries).toBe(4);
    const again = await b.importUpdates(await fileOf(updates));
    expect(again.accepted).toBe(0);

    // A forged entry: Alice's last entry with a changed body but the old signature.
    const [header, ...lines] = (await updates.text()).trim().split('\n');
    const forged = lines[3]!.replace('"f2"', '"zz"');
    expect(forged).not.toBe(lines[3]);
    const bad = new File([[header, forged, 'junk'].join('\n')], 'u.jsonl');
    const r2 = await b.importUpdates(bad);
    expect(r2.accepted).toBe(0);
    expect(r2.quarantined).toBe(2);
    const q = await b.quarantine();
    expect(q.map((x) => x.code).sort()).toEqual(expect.arrayContaining(['bad-signature']));
    expect(q.every((x) => x.source === 'import')).toBe(true);
    // Each row cites the rule it breaks (SPEC.md), once.
    expect(q.find((x) => x.code === 'bad-signature')?.reason).toMatch(/\(LEDGER-4\)$/);
    expect(q.find((x) => x.code === 'malformed')?.reason).toMatch(/\(LEDGER-1\)$/);
    a.stop();
    b.stop();
  });

  it('identity moves to another device with a passphrase', async () => {
    const a = person(new FakeNetwork()).service;
    const b = person(new FakeNetwork()).service;
    await Promise.all([a.start(), b.start()]);
    await a.createIdentity('Alice');
    const file = await fileOf(await a.exportIdentity('a long passphrase'));
    await expect(b.importIdentity(file, 'wrong one!')).rejects.toThrow(/Wrong passphrase/);
    const moved = await b.importIdentity(file, 'a long passphrase');
    expect(moved.author).toBe((await a.identity())?.author);
    expect((await b.current())?.myRole).toBe('admin');
    a.stop();
    b.stop();
  });
});
