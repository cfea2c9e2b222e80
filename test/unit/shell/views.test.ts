// The role -> views table and the address guard (issue 11): each role lands on what it does,
// and no address reaches a view the role may not see.
import { describe, expect, it } from 'vitest';
import { landing, route, VIEWS, viewsFor, type ShellRole } from '../../../src/ui/shell/views';
import { ago, elapsed, roleWords, syncSentence } from '../../../src/ui/shell/words';
import type { MemberView, StudyView, SyncView } from '../../../src/ui/state/ledger-api';

const ids = (role: ShellRole, personal = false) => viewsFor(role, personal).map((v) => v.id);

describe('views by role', () => {
  it('each role lands on what it does', () => {
    expect(landing('admin', false)?.id).toBe('dashboard');
    expect(landing('admin', true)?.id).toBe('archive');
    expect(landing('site', false)?.id).toBe('archive');
    expect(landing('reader', false)?.id).toBe('queue');
    expect(landing('monitor', false)?.id).toBe('qc');
    expect(landing('sponsor', false)?.id).toBe('overview');
    expect(landing('waiting', false)?.id).toBe('waiting');
    expect(landing(null, false)).toBeNull();
  });

  it('readers see their queue and their own identity only; no archive, no de-id, no trail', () => {
    expect(ids('reader')).toEqual(['queue', 'people']);
    expect(ids('adjudicator')).toEqual(['queue', 'people']);
  });

  it('monitors read the trail and QC; sponsors see counts; site staff no study-wide trail', () => {
    expect(ids('monitor')).toEqual(['qc', 'timeline', 'audit', 'quarantine', 'people']);
    expect(ids('sponsor')).toEqual(['overview', 'people']);
    expect(ids('site')).toEqual(['archive', 'problems', 'deid', 'viewer', 'people']);
    expect(ids('qc')).toEqual(['qc', 'protocols', 'viewer', 'people']);
    expect(ids('admin')).toEqual([
      'dashboard',
      'archive',
      'problems',
      'deid',
      'qc',
      'protocols',
      'reads',
      'viewer',
      'timeline',
      'audit',
      'quarantine',
      'people',
    ]);
  });

  it('every view is reachable by some role, and ids are unique', () => {
    expect(new Set(VIEWS.map((v) => v.id)).size).toBe(VIEWS.length);
    for (const v of VIEWS) expect(v.roles.length).toBeGreaterThan(0);
  });
});

describe('routing by address', () => {
  it('shows the asked view when allowed', () => {
    expect(route('#/audit', 'admin', false)).toMatchObject({
      view: { id: 'audit' },
      refused: null,
      hash: '#/audit',
    });
  });

  it('refuses a view the role may not see and rewrites the address to its landing', () => {
    for (const [role, asked] of [
      ['reader', 'archive'],
      ['reader', 'deid'],
      ['reader', 'audit'],
      ['site', 'audit'],
      ['sponsor', 'timeline'],
      ['monitor', 'deid'],
      ['waiting', 'archive'],
    ] as const) {
      const r = route(`#/${asked}`, role, false);
      expect(r.refused?.id, `${role} -> ${asked}`).toBe(asked);
      expect(r.view?.id).toBe(landing(role, false)!.id);
      expect(r.hash).toBe(`#/${landing(role, false)!.id}`);
    }
  });

  it('an empty or unknown address lands quietly', () => {
    expect(route('', 'reader', false)).toMatchObject({ view: { id: 'queue' }, refused: null });
    expect(route('#/nope', 'site', false)).toMatchObject({
      view: { id: 'archive' },
      refused: null,
    });
    expect(route('#/archive', null, false)).toMatchObject({ view: null, hash: '#/archive' });
  });

  it('the personal workspace has no dashboard', () => {
    expect(route('#/dashboard', 'admin', true)).toMatchObject({
      view: { id: 'archive' },
      refused: { id: 'dashboard' },
    });
  });
});

function member(author: string, role: MemberView['role'], status: MemberView['status'] = 'active') {
  return { author, name: author, role, site: null, fingerprint: '', status, online: false };
}

function study(members: MemberView[], relays = ['ws://r']): StudyView {
  return {
    id: 's',
    name: 'S',
    founder: '',
    sites: [],
    relays,
    myRole: 'admin',
    mySite: null,
    members,
    entries: 1,
    quarantined: 0,
  };
}

describe('sync in words', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');
  const four = study([
    member('me', 'admin'),
    member('a', 'reader'),
    member('b', 'site'),
    member('c', 'monitor'),
    member('d', 'sponsor'),
    member('p', null, 'pending'),
  ]);
  const sync = (s: Partial<SyncView>): SyncView => ({
    state: 'online',
    relays: [{ url: 'ws://r', connected: true }],
    peers: [],
    lastSyncedAt: null,
    ...s,
  });

  it('alone without a relay, never "offline"', () => {
    const text = syncSentence(sync({ state: 'offline', relays: [] }), study([], []), 'me', now);
    expect(text).toBe('working alone, no relay');
  });

  it('counts verified members connected of the others, and the last change', () => {
    const peer = (author: string, verified = true) => ({
      author,
      name: author,
      role: null,
      verified,
      via: 'webrtc' as const,
    });
    const text = syncSentence(
      sync({
        peers: [peer('a'), peer('b'), peer('x'), peer('c', false)],
        lastSyncedAt: '2026-01-01T11:57:00Z',
      }),
      four,
      'me',
      now,
    );
    expect(text).toBe('connected to 2 of 4 members, last change 3 min ago');
  });

  it('says when the relay is not reached yet', () => {
    expect(syncSentence(sync({ state: 'connecting' }), four, 'me', now)).toMatch(
      /^relay not reached yet/,
    );
  });

  it('words for time and roles', () => {
    expect(ago('2026-01-01T11:59:30Z', now)).toBe('just now');
    expect(ago('2026-01-01T09:00:00Z', now)).toBe('3 h ago');
    expect(elapsed((2 * 24 + 4) * 3600_000)).toBe('2 d 4 h');
    expect(elapsed(70 * 60_000)).toBe('1 h 10 min');
    expect(elapsed(5 * 60_000)).toBe('5 min');
    expect(elapsed(10_000)).toBe('under a minute');
    expect(roleWords('site', 'S01')).toBe('site staff (S01)');
    expect(roleWords(null)).toBe('no role yet');
  });
});
