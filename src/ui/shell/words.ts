// The shell's sentences: who you are, where you are, and how sync stands, in plain words.
import type { Role } from '../../core/ledger/types';
import type { StudyView, SyncView } from '../state/ledger-api';

const ROLE_WORDS: Record<Role, string> = {
  admin: 'admin',
  site: 'site staff',
  reader: 'reader',
  adjudicator: 'adjudicator',
  monitor: 'monitor',
  sponsor: 'sponsor',
  qc: 'QC reviewer',
};

export function roleWords(role: Role | null, site: string | null = null): string {
  if (!role) return 'no role yet';
  return role === 'site' && site ? `site staff (${site})` : ROLE_WORDS[role];
}

/** "just now", "3 min ago", "2 h ago", "4 d ago". */
export function ago(thenIso: string, now: number): string {
  const s = Math.max(0, (now - Date.parse(thenIso)) / 1000);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

/** Elapsed time between two steps: "2 d 4 h", "3 h 10 min", "5 min", "under a minute". */
export function elapsed(ms: number): string {
  const min = Math.floor(Math.abs(ms) / 60000);
  if (min < 1) return 'under a minute';
  const d = Math.floor(min / 1440);
  const h = Math.floor((min % 1440) / 60);
  const m = min % 60;
  if (d) return h ? `${d} d ${h} h` : `${d} d`;
  if (h) return m ? `${h} h ${m} min` : `${h} h`;
  return `${m} min`;
}

/**
 * The sync state in words: "working alone, no relay"; "connected to 2 of 4 members, last
 * change 3 min ago"; "looking for the relay; your work is kept on this device".
 */
export function syncSentence(
  sync: SyncView,
  study: StudyView | null,
  me: string | undefined,
  now: number,
): string {
  if (!study) return 'starting…';
  const tabs = sync.peers.some((p) => p.via === 'tab');
  if (sync.relays.length === 0)
    return `working alone, no relay${tabs ? ' (your other tabs are in step)' : ''}`;
  const others = study.members.filter((m) => m.status === 'active' && m.author !== me);
  const online = new Set(sync.peers.filter((p) => p.verified).map((p) => p.author));
  const connected = others.filter((m) => online.has(m.author)).length;
  const last = sync.lastSyncedAt ? `, last change ${ago(sync.lastSyncedAt, now)}` : '';
  if (sync.state !== 'online')
    return `relay not reached yet; your work is kept on this device${last}`;
  return `connected to ${connected} of ${others.length} member${others.length === 1 ? '' : 's'}${last}`;
}
