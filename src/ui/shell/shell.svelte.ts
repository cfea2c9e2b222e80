// The shell's state: who you are here (role, or waiting for one), which view the address
// shows, the name asked once before the first signed action, and the hand-over of work done
// in the personal workspace into a study. Components read it; src/app wires it.
import type { Json } from '../../core/ledger/types';
import type { ArchiveState } from '../state/archive.svelte';
import type { LedgerState } from '../state/ledger.svelte';
import type { LedgerApi, StudyView } from '../state/ledger-api';
import { route, viewsFor, type Route, type ShellRole, type ViewDef } from './views';
import { roleWords, syncSentence } from './words';

/** The address bar, behind an interface so the state is tested without a browser. */
export interface Nav {
  hash(): string;
  push(hash: string): void;
  replace(hash: string): void;
  listen(onChange: () => void): () => void;
}

export interface ShellOptions {
  /** Whether a study is the device's personal workspace (made on first run). */
  isPersonal: (study: StudyView) => boolean;
  /** The name the first run gives the identity; the shell asks for a real one. */
  defaultName: string;
  /** Ask for the name before the first signed action (off only in the test build). */
  askName: boolean;
  /** The identity's name now (from the ledger, not the UI's copy, which may not be loaded). */
  currentName: () => Promise<string | undefined>;
  /** Records one entry in the current study (the ledger's single path). */
  record: (type: string, body: { [key: string]: Json }) => Promise<unknown>;
}

/** Work found in the personal workspace when a study is made or joined. */
export interface Handover {
  study: string;
  workspace: string;
  folders: { id: string; label: string; kind: string; lastScanAt: string | null }[];
  runs: { entry: string; utc: string; summary: string }[];
  /** Joined and not yet given a role: the offer waits for it. */
  waitingForRole: boolean;
}

/** Ledger calls that sign something (or show the name to others): asked for a name first. */
const NAMED: readonly (keyof LedgerApi)[] = [
  'createStudy',
  'join',
  'grant',
  'revoke',
  'setRelays',
  'invite',
];

export class ShellState {
  readonly ledger: LedgerState;
  readonly archive: ArchiveState;
  private readonly nav: Nav;
  private readonly opts: ShellOptions;
  hash = $state('');
  now = $state(Date.now());
  /** Why the address was changed ("The Archive view is not open to you (reader) ..."). */
  notice = $state('');
  naming = $state(false);
  handover = $state<Handover | null>(null);
  handoverStatus = $state('');

  // Getters over reactive state are reactive where they are read (components, effects).
  get study(): StudyView | null {
    return this.ledger.study;
  }
  get personal(): boolean {
    return !!this.study && this.opts.isPersonal(this.study);
  }
  get role(): ShellRole | null {
    return this.study ? (this.study.myRole ?? 'waiting') : null;
  }
  get roleText(): string {
    return roleWords(this.study?.myRole ?? null, this.study?.mySite ?? null);
  }
  get views(): ViewDef[] {
    return viewsFor(this.role, this.personal);
  }
  get current(): Route {
    return route(this.hash, this.role, this.personal);
  }
  get syncText(): string {
    return syncSentence(this.ledger.sync, this.study, this.ledger.identity?.author, this.now);
  }
  /** The admin(s) a joining person waits for. */
  get admins(): string {
    return (
      (this.study?.members ?? [])
        .filter((m) => m.role === 'admin' && m.status === 'active')
        .map((m) => m.name)
        .join(', ') || 'the study admin'
    );
  }

  private named: Promise<void> | null = null;
  private resolveName: (() => void) | null = null;

  constructor(ledger: LedgerState, archive: ArchiveState, nav: Nav, opts: ShellOptions) {
    this.ledger = ledger;
    this.archive = archive;
    this.nav = nav;
    this.opts = opts;
    this.hash = nav.hash();
  }

  /** Follows the address bar; returns the unsubscribe. */
  start(): () => void {
    return this.nav.listen(() => (this.hash = this.nav.hash()));
  }

  /** Opens a view by id (a tab press): the address follows. */
  go(id: string): void {
    const next = `#/${id}`;
    if (next === this.hash) return;
    this.notice = '';
    this.nav.push(next);
    this.hash = next;
  }

  /**
   * Keeps the address in line with what this role may see: a view it may not see is
   * replaced by its landing view, and the notice says so. Call when the hash or role changes.
   */
  settle(): void {
    const r = this.current;
    if (!r.view) return;
    if (r.refused)
      this.notice = `The ${r.refused.label} view is not open to you (${this.roleText}); here is yours.`;
    if (r.hash !== this.hash) {
      this.nav.replace(r.hash);
      this.hash = r.hash;
    }
  }

  // ---- the name, asked once before the first signed action ----

  /** Resolves once the person has a name of their own (asks for it the first time). */
  async ensureNamed(): Promise<void> {
    if (!this.opts.askName) return;
    const name = await this.opts.currentName();
    if (name && name !== this.opts.defaultName) return;
    if (!this.named) {
      this.named = new Promise<void>((resolve) => (this.resolveName = resolve));
      this.naming = true;
    }
    return this.named;
  }

  submitName = async (name: string): Promise<boolean> => {
    const ok = await this.ledger.rename(name);
    if (!ok) return false;
    this.naming = false;
    this.resolveName?.();
    this.named = null;
    this.resolveName = null;
    return true;
  };

  /**
   * The ledger API as the UI uses it: calls that sign (or show the name to others) ask for
   * the name first, and a new or joined study is offered the workspace's work.
   */
  static wrap(api: LedgerApi, shell: () => ShellState): LedgerApi {
    return new Proxy(api, {
      get: (target, prop, receiver) => {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        const fn = value as (...args: unknown[]) => unknown;
        if (prop === 'createStudy' || prop === 'join')
          return async (...args: unknown[]) => {
            await shell().ensureNamed();
            const before = await shell().snapshot(target);
            const study = (await fn.apply(target, args)) as StudyView;
            shell().offer(before, study);
            return study;
          };
        if ((NAMED as readonly (string | symbol)[]).includes(prop))
          return async (...args: unknown[]) => {
            await shell().ensureNamed();
            return fn.apply(target, args);
          };
        return fn.bind(target);
      },
    });
  }

  // ---- hand-over of the personal workspace ----

  async snapshot(api: LedgerApi): Promise<Omit<Handover, 'study' | 'waitingForRole'> | null> {
    const current = await api.current();
    if (!current || !this.opts.isPersonal(current)) return null;
    const runs = await api.audit({ type: 'deid.run' });
    return {
      workspace: current.id,
      folders: this.archive.folders.map((f) => ({
        id: f.id,
        label: f.label,
        kind: f.kind,
        lastScanAt: f.lastScanAt,
      })),
      runs: runs.map((r) => ({ entry: r.id, utc: r.utc, summary: r.summary })),
    };
  }

  offer(before: Omit<Handover, 'study' | 'waitingForRole'> | null, study: StudyView) {
    if (!before || (before.folders.length === 0 && before.runs.length === 0)) return;
    this.handoverStatus = '';
    this.handover = { ...before, study: study.name, waitingForRole: !study.myRole };
  }

  /** Records the hand-over as one entry (workspace.import) in the current study. */
  bringIn = async (): Promise<void> => {
    const h = this.handover;
    if (!h) return;
    if (!this.study?.myRole) {
      this.handoverStatus = `You can bring these in once ${this.admins} gives you a role.`;
      return;
    }
    try {
      await this.opts.record('workspace.import', {
        workspace: h.workspace,
        folders: h.folders.map((f) => ({ folder: f.id, label: f.label, kind: f.kind })),
        runs: h.runs.map((r) => ({ entry: r.entry, utc: r.utc })),
      });
      this.handover = null;
      this.handoverStatus = `Brought ${count(h.folders.length, 'folder')} and ${count(h.runs.length, 'de-identification run')} into ${h.study}.`;
    } catch (e) {
      this.handoverStatus = `Not brought in: ${e instanceof Error ? e.message : String(e)}`;
    }
  };

  dismissHandover = (): void => {
    if (this.handover)
      this.handoverStatus = `Left in the personal workspace: ${count(this.handover.folders.length, 'folder')} and ${count(this.handover.runs.length, 'de-identification run')}.`;
    this.handover = null;
  };

  tick(now = Date.now()): void {
    this.now = now;
  }
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}
