// The ledger views' state: identity, the current study and its people, sync status,
// the audit trail and the quarantine. Everything shown comes from the app's fold through
// LedgerApi; components only read this and call its methods.
import type { AuthorKey, Role } from '../../core/ledger/types';
import type {
  AuditFilter,
  IdentityView,
  ImportReport,
  LedgerApi,
  QuarantineRow,
  StudyView,
  SyncView,
  VerifyAnchors,
  VerifyReport,
} from './ledger-api';
import { describeImport, describeVerify, downloadName } from '../ledger/words';
import { saveBlob } from './download';
import { AuditPager } from './audit-pager.svelte';

export const MIN_PASSPHRASE = 12;

/** One line of a subject's timeline: a ledger entry or an event from elsewhere. */
export interface TimelineItem {
  utc: string;
  what: string;
  who: string;
  reason: string | null;
  source: 'ledger' | 'acquisition';
}

/**
 * Events the ledger does not hold, e.g. DICOM acquisition dates from the archive index.
 * The composition root sets this (ledger.acquisitions = ...); none until then.
 */
export type AcquisitionSource = (subject: string) => Promise<{ utc: string; what: string }[]>;
/**
 * Subjects the archive index knows, by keyed reference, with what each stands for on this
 * device (e.g. its patient ID): offered in the timeline chooser, never recorded.
 */
export type SubjectSource = () => Promise<{ ref: string; local: string }[]>;

export class LedgerState {
  identity = $state<IdentityView | null>(null);
  study = $state<StudyView | null>(null);
  studies = $state<StudyView[]>([]);
  sync = $state<SyncView>({ state: 'offline', relays: [], peers: [], lastSyncedAt: null });
  filter = $state<AuditFilter>({});
  /** The filtered trail, a page at a time. */
  readonly pager: AuditPager;
  /** Entries of each type in the whole trail. */
  byType = $state<[string, number][]>([]);
  quarantine = $state<QuarantineRow[]>([]);
  /** The subject whose timeline is shown ('' for none). */
  timelineSubject = $state('');
  timeline = $state<TimelineItem[]>([]);
  /** Subjects seen in the whole trail (for the filter and the timeline chooser). */
  subjects = $state<string[]>([]);
  /** What a subject reference stands for on this device ('' when the index does not know it). */
  subjectLocal = $state<Record<string, string>>({});

  /** A subject reference as a chooser shows it on this device: "TB-7K3Q9Z (MRN1 on this device)". */
  subjectName(ref: string): string {
    const here = this.subjectLocal[ref];
    return here ? `${ref} (${here} on this device)` : ref;
  }
  acquisitions: AcquisitionSource | null = null;
  archiveSubjects: SubjectSource | null = null;
  invite = $state<{ link: string; url: string; name: string } | null>(null);
  verifyReport = $state<VerifyReport | null>(null);
  /** Anchors for "Verify an export" (LEDGER-21), prefilled with the current study's. */
  verifyStudy = $state('');
  verifyAdmin = $state('');
  private anchoredFor = '';
  importReport = $state<ImportReport | null>(null);
  /** The sentence a screen reader announces for the last ledger action. */
  status = $state('');
  busy = $state(false);

  isAdmin: boolean = $derived(this.study?.myRole === 'admin');
  pending = $derived(this.study?.members.filter((m) => m.status === 'pending') ?? []);
  members = $derived(this.study?.members.filter((m) => m.status !== 'pending') ?? []);

  private loaded = false;
  private query = 0;
  private refreshing: Promise<void> | null = null;
  private again = false;
  private trailKey = '';

  constructor(readonly api: LedgerApi) {
    this.pager = new AuditPager(api);
  }

  async load(): Promise<void> {
    if (!this.loaded) {
      this.loaded = true;
      // The fold, presence and identity all change outside the UI (peers, other tabs).
      this.api.subscribe(() => this.changed());
    }
    await this.refresh();
  }

  /** Presence changes often: the sync line updates at once, the rest is coalesced. */
  private changed(): void {
    this.sync = this.api.sync();
    if (this.refreshing) {
      this.again = true;
      return;
    }
    this.refreshing = this.refresh()
      .catch((e: unknown) => console.warn('Ledger refresh failed:', e))
      .finally(() => {
        this.refreshing = null;
        if (this.again) {
          this.again = false;
          this.changed();
        }
      });
  }

  async refresh(): Promise<void> {
    this.sync = this.api.sync();
    const [identity, study, studies, quarantine] = await Promise.all([
      this.api.identity(),
      this.api.current(),
      this.api.studies(),
      this.api.quarantine(),
    ]);
    this.identity = identity;
    this.study = study;
    if (study && study.id !== this.anchoredFor) {
      this.anchoredFor = study.id;
      this.verifyStudy = study.id;
      this.verifyAdmin = study.founder;
    }
    this.studies = studies;
    this.quarantine = quarantine;
    // The trail only grows by entries: an unchanged count means an unchanged trail, and
    // re-reading 100,000 rows on every presence ping would stall the page.
    const key = `${study?.id ?? ''}:${study?.entries ?? 0}`;
    if (key === this.trailKey) return;
    this.trailKey = key;
    await Promise.all([this.pager.sync(), this.readFacts()]);
    if (this.timelineSubject) await this.showTimeline(this.timelineSubject);
  }

  async setFilter(patch: Partial<AuditFilter>): Promise<void> {
    const next: AuditFilter = { ...this.filter, ...patch };
    // An empty field means "any", not "equals the empty string".
    for (const k of Object.keys(next) as (keyof AuditFilter)[]) if (!next[k]) delete next[k];
    this.filter = next;
    await this.pager.setFilter($state.snapshot(next));
  }

  private async readFacts(): Promise<void> {
    const ticket = ++this.query;
    const [facts, indexed] = await Promise.all([
      this.api.auditFacts(),
      this.archiveSubjects ? this.archiveSubjects() : Promise.resolve([]),
    ]);
    if (ticket !== this.query) return;
    this.byType = facts.byType;
    this.subjects = unique([...facts.subjects, ...indexed.map((s) => s.ref)]);
    this.subjectLocal = Object.fromEntries(indexed.map((s) => [s.ref, s.local]));
  }

  async showTimeline(subject: string): Promise<void> {
    this.timelineSubject = subject;
    if (!subject) {
      this.timeline = [];
      return;
    }
    const [rows, acquired] = await Promise.all([
      this.api.audit({ subject }),
      this.acquisitions ? this.acquisitions(subject) : Promise.resolve([]),
    ]);
    const items: TimelineItem[] = [
      ...acquired.map((a) => ({
        utc: a.utc,
        what: a.what,
        who: 'acquisition (DICOM)',
        reason: null,
        source: 'acquisition' as const,
      })),
      ...rows.map((r) => ({
        utc: r.utc,
        what: r.summary,
        who: `${r.authorName}${r.role ? ` (${r.role})` : ''}`,
        reason: r.reason,
        source: 'ledger' as const,
      })),
    ];
    // Stable sort: entries with one time keep the fold's order.
    this.timeline = items.sort((a, b) => a.utc.localeCompare(b.utc));
  }

  /** Runs one user action: its outcome or error becomes the status sentence. */
  private async act(work: () => Promise<string>): Promise<boolean> {
    this.busy = true;
    try {
      this.status = await work();
      await this.refresh();
      return true;
    } catch (e) {
      this.status = `Failed: ${e instanceof Error ? e.message : String(e)}`;
      return false;
    } finally {
      this.busy = false;
    }
  }

  rename = (name: string) =>
    this.act(async () => {
      const me = await this.api.createIdentity(name);
      return `Your name is now ${me.name}.`;
    });

  exportIdentity = (passphrase: string, again: string) =>
    this.act(async () => {
      if (passphrase.length < MIN_PASSPHRASE)
        throw new Error(`the passphrase needs at least ${MIN_PASSPHRASE} characters.`);
      if (passphrase !== again) throw new Error('the two passphrases differ.');
      const blob = await this.api.exportIdentity(passphrase);
      saveBlob(blob, `trialbench-identity-${stamp()}.json`);
      return 'Identity exported. Keep the file and its passphrase apart.';
    });

  importIdentity = (file: File, passphrase: string) =>
    this.act(async () => {
      const me = await this.api.importIdentity(file, passphrase);
      return `Identity imported: ${me.name}, fingerprint ${me.fingerprint}.`;
    });

  selectStudy = (id: string) =>
    this.act(async () => {
      await this.api.selectStudy(id);
      this.invite = null;
      return 'Study switched.';
    });

  createStudy = (name: string, sites: { id: string; name: string }[]) =>
    this.act(async () => {
      const s = await this.api.createStudy(name, sites);
      this.invite = null;
      return `Study ${s.name} created; you are its admin.`;
    });

  setRelays = (relays: string[]) =>
    this.act(async () => {
      await this.api.setRelays(relays);
      return relays.length
        ? `Relays set: ${relays.join(', ')}.`
        : 'No relays: this study stays on this device.';
    });

  makeInvite = () =>
    this.act(async () => {
      const inv = await this.api.invite();
      if (this.invite) URL.revokeObjectURL(this.invite.url);
      this.invite = {
        link: inv.link,
        url: URL.createObjectURL(inv.file),
        name: downloadName('invite', this.study?.id ?? '', 'json'),
      };
      return 'Invite ready: send the link or the file to the person joining.';
    });

  join = (invite: string) =>
    this.act(async () => {
      const s = await this.api.join(invite.trim());
      return `Joined ${s.name}. An admin must grant you a role before you can record.`;
    });

  joinFile = async (file: File) => this.join(await file.text());

  grant = (author: AuthorKey, role: Role, site: string | null, reason: string) =>
    this.act(async () => {
      await this.api.grant(author, role, site, reason);
      return `Granted ${role}${site ? ` (site ${site})` : ''} to ${this.nameOf(author)}.`;
    });

  revoke = (author: AuthorKey, reason: string) =>
    this.act(async () => {
      const name = this.nameOf(author);
      await this.api.revoke(author, reason);
      return `Revoked ${name}; room secrets rotated.`;
    });

  exportAudit = () =>
    this.act(async () => {
      saveBlob(await this.api.exportAudit(), downloadName('audit', this.study?.id ?? '', 'jsonl'));
      return 'Audit trail exported.';
    });

  verifyExport = (file: File) =>
    this.act(async () => {
      const anchors: VerifyAnchors = {};
      if (this.verifyStudy.trim()) anchors.study = this.verifyStudy.trim();
      if (this.verifyAdmin.trim()) anchors.admin = this.verifyAdmin.trim();
      this.verifyReport = await this.api.verifyExport(file, anchors);
      return describeVerify(this.verifyReport);
    });

  exportUpdates = () =>
    this.act(async () => {
      saveBlob(
        await this.api.exportUpdates(),
        downloadName('updates', this.study?.id ?? '', 'jsonl'),
      );
      return 'Updates exported: carry the file to the other site and import it there.';
    });

  importUpdates = (file: File) =>
    this.act(async () => {
      this.importReport = await this.api.importUpdates(file);
      return describeImport(this.importReport);
    });

  nameOf(author: AuthorKey): string {
    return this.study?.members.find((m) => m.author === author)?.name || author.slice(0, 16);
  }
}

function unique(values: (string | null)[]): string[] {
  return [...new Set(values.filter((v): v is string => !!v))].sort();
}

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}
