// Which views each role sees, and where each role lands. Pure: the shell (App.svelte)
// renders what this table allows, and the URL (#/<view>) can reach nothing else.
//
// To add a view for a role: add one entry to VIEWS below ({ id, label, roles }), and map
// the same id to its component in registry.ts. Nothing else changes: the tabs, the
// keyboard order, the URL guard and the landing view all follow this table.
import { ROLES, type Role } from '../../core/ledger/types';

/** A member's role, or 'waiting' for someone who asked to join and has no role yet. */
export type ShellRole = Role | 'waiting';

export interface ViewDef {
  /** The URL names it: #/<id>. */
  id: string;
  /** The tab's name. */
  label: string;
  /** Who sees it. */
  roles: readonly ShellRole[];
  /** Shown in the personal workspace too (default true); false for shared-study views. */
  personal?: boolean;
}

const EVERYONE: readonly ShellRole[] = [...ROLES, 'waiting'];

export const VIEWS: readonly ViewDef[] = [
  { id: 'waiting', label: 'Joining', roles: ['waiting'] },
  { id: 'dashboard', label: 'Dashboard', roles: ['admin'], personal: false },
  { id: 'archive', label: 'Archive', roles: ['admin', 'site'] },
  { id: 'problems', label: 'Problems', roles: ['admin', 'site'] },
  { id: 'deid', label: 'De-identify', roles: ['admin', 'site'] },
  { id: 'queue', label: 'Reading queue', roles: ['reader', 'adjudicator'] },
  { id: 'qc', label: 'QC', roles: ['qc', 'monitor', 'admin'] },
  { id: 'protocols', label: 'Protocols', roles: ['admin', 'qc'] },
  { id: 'reads', label: 'Reads', roles: ['admin'] },
  // Not for readers: the viewer lists the archive's series, which are not blinded.
  { id: 'viewer', label: 'Viewer', roles: ['admin', 'site', 'qc'] },
  { id: 'overview', label: 'Overview', roles: ['sponsor'] },
  { id: 'timeline', label: 'Subject timeline', roles: ['admin', 'monitor'] },
  { id: 'audit', label: 'Audit trail', roles: ['admin', 'monitor', 'waiting'] },
  { id: 'quarantine', label: 'Quarantine', roles: ['admin', 'monitor', 'waiting'] },
  { id: 'people', label: 'Study & people', roles: EVERYONE },
];

/** Where a role lands: the first view of its list, except the shared study's dashboard
 *  for an admin in the personal workspace (where there is no dashboard). */
export function viewsFor(role: ShellRole | null, personal: boolean): ViewDef[] {
  if (role === null) return [];
  return VIEWS.filter((v) => v.roles.includes(role) && (!personal || v.personal !== false));
}

export function landing(role: ShellRole | null, personal: boolean): ViewDef | null {
  return viewsFor(role, personal)[0] ?? null;
}

export interface Route {
  /** The view to show (null while the role is not known yet). */
  view: ViewDef | null;
  /** Set when the URL asked for a view this role may not see (the URL is then rewritten). */
  refused: ViewDef | null;
  /** The hash the address bar should show. */
  hash: string;
}

/** The view for an address: `#/<id>` when this role may see it, else the role's landing. */
export function route(hash: string, role: ShellRole | null, personal: boolean): Route {
  const allowed = viewsFor(role, personal);
  const home = allowed[0] ?? null;
  const id = /^#\/([a-z-]+)/.exec(hash)?.[1] ?? '';
  const asked = VIEWS.find((v) => v.id === id) ?? null;
  const view = asked && allowed.includes(asked) ? asked : home;
  return {
    view,
    refused: asked && view !== asked ? asked : null,
    hash: view ? `#/${view.id}` : hash,
  };
}
