// What the UI reads, derived from the fold: the identity, the current study with its
// members (and people asking to join), the other known studies, the audit trail and the
// quarantine.
import { entryId, hlcToIso } from '../../core/ledger';
import type { StoredIdentity } from '../../core/ports/ledger-store';
import type { Ledger } from '../../core/ledger';
import type {
  AuditFacts,
  AuditFilter,
  AuditPage,
  AuditRow,
  IdentityView,
  MemberView,
  QuarantineRow,
  StudyView,
} from '../../ui/state/ledger-api';
import { AuditIndex } from './audit-index';
import type { LedgerContext } from './context';
import type { Peers } from './peers';
import { quarantineRows } from './quarantine';

export class Views {
  /** One paged index per fold, so a new session (another study) starts its own. */
  private readonly auditIndexes = new WeakMap<Ledger, AuditIndex>();

  constructor(
    private readonly c: LedgerContext,
    private readonly peers: Peers,
  ) {}

  async identity(me: StoredIdentity): Promise<IdentityView> {
    return {
      name: me.name,
      author: me.author,
      algorithm: me.algorithm,
      fingerprint: await this.c.fingerprintOf(me.author),
    };
  }

  /** The current study first, then the others this device knows (not loaded: counts only). */
  async studies(): Promise<StudyView[]> {
    const c = this.c;
    const all = await c.deps.store.listStudies();
    const views: StudyView[] = [];
    const cur = c.session?.study.id;
    if (cur) views.push(await this.study());
    for (const s of all) {
      if (s.id === cur) continue;
      views.push({
        id: s.id,
        founder: '',
        name: s.name,
        sites: [],
        relays: s.relays,
        myRole: null,
        mySite: null,
        members: [],
        entries: (await c.deps.store.entries(s.id)).length,
        quarantined: 0,
      });
    }
    return views;
  }

  async study(): Promise<StudyView> {
    const c = this.c;
    const { s, identity: me } = c.active();
    const state = s.ledger.state;
    const online = new Set(
      this.peers
        .sync()
        .peers.filter((p) => p.verified)
        .map((p) => p.author),
    );
    const members: MemberView[] = [];
    for (const m of state.members.values()) {
      members.push({
        author: m.author,
        name: m.name,
        role: m.role,
        site: m.site,
        fingerprint: await c.fingerprintOf(m.author),
        status: m.status,
        online: online.has(m.author),
      });
    }
    // People asking to join: verified presence without a role, and this device itself.
    const asking = this.peers.verifiedPresence().filter((p) => !state.members.has(p.author));
    if (!state.members.has(me.author))
      asking.unshift({ author: me.author, name: me.name, boxKey: me.boxPublic });
    for (const p of asking) {
      if (members.some((m) => m.author === p.author)) continue;
      members.push({
        author: p.author,
        name: p.name,
        role: null,
        site: null,
        fingerprint: c.fingerprintNow(p.author),
        status: 'pending',
        online: p.author !== me.author,
      });
    }
    const mine = state.members.get(me.author);
    const active = mine?.status === 'active';
    const genesis = s.ledger.get(s.study.id);
    return {
      id: s.study.id,
      founder: genesis ? await c.fingerprintOf(genesis.author) : '',
      name: state.study?.name ?? s.study.name,
      sites: state.study?.sites ?? [],
      relays: state.study?.relays ?? s.study.relays,
      myRole: active ? mine.role : null,
      mySite: active ? mine.site : null,
      members,
      entries: s.ledger.accepted().length,
      quarantined: this.quarantine().length,
    };
  }

  /** Every row a filter finds, read through the same index the paged view uses. */
  audit(filter: AuditFilter): AuditRow[] {
    const s = this.c.session;
    if (!s) return [];
    return this.auditIndex(s.ledger).page(filter, 0, Number.MAX_SAFE_INTEGER).rows;
  }

  auditPage(filter: AuditFilter, offset: number, limit: number): AuditPage {
    const s = this.c.session;
    if (!s) return { total: 0, version: '', rows: [] };
    const page = this.auditIndex(s.ledger).page(filter, offset, limit);
    // Another study's rows are other rows, whatever its index's own version says.
    return { ...page, version: `${s.study.id}:${page.version}` };
  }

  auditFacts(): AuditFacts {
    const s = this.c.session;
    return s ? this.auditIndex(s.ledger).facts() : { subjects: [], byType: [] };
  }

  private auditIndex(ledger: Ledger): AuditIndex {
    let index = this.auditIndexes.get(ledger);
    if (!index) {
      index = new AuditIndex(ledger, {
        id: (e) => entryId(e),
        nameOf: (k) => this.c.nameOf(k),
        utcOf: (e) => hlcToIso(e.ts),
      });
      this.auditIndexes.set(ledger, index);
    }
    return index;
  }

  quarantine(): QuarantineRow[] {
    const s = this.c.session;
    if (!s) return [];
    return quarantineRows(s.stored, s.ledger.quarantined(), (k) => this.c.nameOf(k));
  }
}
