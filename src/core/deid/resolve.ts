// For any tag, at any depth: what a profile does with it, where that decision comes from
// and which rule of SPEC.md made it. Allow-list thinking: a tag is kept only when the
// standard, a safe-private rule or a stated override says so; anything not known is
// removed. Pure and synchronous; the engine calls it once per element.
import { lookupTag } from '../dicom/dictionary';
import {
  moreProtective,
  narrow,
  TABLE_OPTIONS,
  type Action,
  type IodContext,
  type ProfileRow,
  type TableOption,
} from './actions';
import type { DeidProfile, SafePrivateRule } from './profile';
import { PROFILE_ROWS } from './profile-table.generated';

export type ActionSource =
  /** Table E.1-1, Basic Profile column (or the Basic Profile's own rules). */
  | 'basic'
  /** Table E.1-1, the column of this enabled option. */
  | TableOption
  | 'override'
  | 'private'
  /** Neither in Table E.1-1 nor in the data dictionary. */
  | 'unknown'
  /** Groups 0002 and 0004: the writer rebuilds the file meta and writes no DICOMDIR. */
  | 'fileMeta'
  /** Item and delimitation tags, group lengths. */
  | 'structural'
  /** A rule of ours stricter than the standard (SPEC.md says which). */
  | 'policy';

export interface Resolution {
  action: Action;
  source: ActionSource;
  ruleId: string;
  /** The Table E.1-1 row that applied, if any. */
  row?: ProfileRow;
}

export interface ResolveContext extends IodContext {
  /**
   * For a private element: the value of the Private Creator that reserves its block, as
   * the engine found it in the same dataset; absent when no creator reserves the block.
   */
  privateCreator?: string;
}

let exact: Map<number, ProfileRow> | null = null;
let wildcards: ProfileRow[] = [];
let privateRow: ProfileRow | undefined;

function rows(): Map<number, ProfileRow> {
  if (exact) return exact;
  exact = new Map();
  for (const row of PROFILE_ROWS) {
    if (row.mask === 0xffffffff) exact.set(row.tag, row);
    else if (row.mask === 0x00010000) privateRow = row;
    else wildcards.push(row);
  }
  wildcards = wildcards.sort((a, b) => popcount(b.mask) - popcount(a.mask));
  return exact;
}

function popcount(n: number): number {
  let c = 0;
  for (let v = n >>> 0; v; v >>>= 1) c += v & 1;
  return c;
}

/** The Table E.1-1 row for a public tag (exact rows before wildcard rows). */
export function tableRow(tag: number): ProfileRow | undefined {
  const t = tag >>> 0;
  const found = rows().get(t);
  if (found) return found;
  if (!isRepeatingGroupMember(t)) return undefined;
  return wildcards.find((w) => (t & w.mask) >>> 0 === w.tag);
}

/** DEID-9: curves (50xx) and overlays (60xx) exist only in even groups xx = 00..1E. */
function isRepeatingGroupMember(tag: number): boolean {
  const group = tag >>> 16;
  const base = group & 0xff00;
  if (base !== 0x5000 && base !== 0x6000) return true;
  return (group & 1) === 0 && (group & 0xff) <= 0x1e;
}

/**
 * DEID-70: attributes with a combined code that are Type 3 in every module of PS3.3 that
 * holds them: removing them (the first action) keeps any IOD valid, where an emptied or
 * dummied value would not add validity (an empty Type 3 sequence is worse than none).
 */
export const TYPE3_EVERYWHERE: ReadonlySet<number> = new Set([
  0x00080012, // InstanceCreationDate, SOP Common
  0x00080013, // InstanceCreationTime, SOP Common
  0x00080082, // InstitutionCodeSequence, General Equipment
  0x00081072, // OperatorIdentificationSequence, General Series
  0x00081110, // ReferencedStudySequence, General Study
]);

/**
 * DEID-70: an attribute's type known from the SOP class alone. Referenced Performed
 * Procedure Step Sequence is Type 3 in General Series (composite image IODs) but Type 2 in
 * the SR and Key Object document series (SOP classes 1.2.840.10008.5.1.4.1.1.88.x); for
 * those, and where unsure (encapsulated documents), the type stays unknown (DEID-5).
 */
export function typeFromSopClass(tag: number, sopClassUid: string): IodContext['attributeType'] {
  if (tag !== 0x00081111) return undefined;
  const storage = '1.2.840.10008.5.1.4.1.1.';
  if (!sopClassUid.startsWith(storage)) return undefined;
  const family = sopClassUid.slice(storage.length).split('.')[0];
  return family === '88' || family === '104' ? undefined : '3';
}

/** DEID-6, DEID-7: enabled options override the Basic Profile; disagreement -> more protective. */
function fromRow(row: ProfileRow, profile: DeidProfile, context?: IodContext): Resolution {
  let best: { action: Action; option: TableOption } | undefined;
  for (const option of TABLE_OPTIONS) {
    const action = row.options[option];
    if (action === undefined || !profile.options[option]) continue;
    if (!best || moreProtective(action, best.action) !== best.action) best = { action, option };
  }
  if (best) {
    return { action: best.action, source: best.option, ruleId: 'DEID-6', row };
  }
  if (context?.attributeType === undefined && TYPE3_EVERYWHERE.has(row.tag)) {
    const { action } = narrow(row.basic, row, { attributeType: '3' });
    return { action, source: 'basic', ruleId: 'DEID-70', row };
  }
  const { action, ruleId } = narrow(row.basic, row, context);
  return { action, source: 'basic', ruleId, row };
}

const ITEM_TAGS = new Set([0xfffee000, 0xfffee00d, 0xfffee0dd]);
const DATA_SET_TRAILING_PADDING = 0xfffcfffc;
/** DEID-11: what the writer takes from the source file meta; the rest it writes itself. */
const FILE_META_KEPT = new Set([0x00020002, 0x00020010]);
const MEDIA_STORAGE_SOP_INSTANCE_UID = 0x00020003;

function ruleMatches(rule: SafePrivateRule, group: number, creator: string): boolean {
  return rule.creator === creator && (rule.group === undefined || rule.group === group);
}

/** DEID-12, DEID-13: private elements are removed unless a safe-private rule keeps them. */
function resolvePrivate(tag: number, profile: DeidProfile, ctx?: ResolveContext): Resolution {
  const row = privateRow;
  const removed = (ruleId: string): Resolution => ({ action: 'X', source: 'private', ruleId, row });
  const group = tag >>> 16;
  const element = tag & 0xffff;
  // Groups 0001, 0003, 0005, 0007 and FFFF may not hold private data (PS3.5 7.8.1).
  if (group <= 0x0007 || group === 0xffff) return removed('DEID-12');
  if (element < 0x0010 || (element > 0x00ff && element < 0x1000)) return removed('DEID-12');
  const creator = ctx?.privateCreator?.trim();
  if (!profile.options.rtnSafePrivOpt || !creator) return removed('DEID-12');
  const rules = profile.safePrivate.filter((r) => ruleMatches(r, group, creator));
  if (element <= 0x00ff) {
    // A Private Creator: kept when its creator has rules here, so kept elements stay readable.
    if (rules.length === 0) return removed('DEID-12');
    return { action: 'K', source: 'private', ruleId: 'DEID-13', row };
  }
  const rule = rules.find((r) => r.element === (element & 0xff));
  if (!rule) return removed('DEID-12');
  return { action: rule.action, source: 'private', ruleId: 'DEID-13', row };
}

/**
 * The action for `tag` under `profile`. For private tags pass the block's Private
 * Creator in `context`; pass the attribute's IOD type when known (DEID-3).
 */
export function resolveAction(
  profile: DeidProfile,
  tag: number,
  context?: ResolveContext,
): Resolution {
  const t = tag >>> 0;
  const group = t >>> 16;
  const element = t & 0xffff;
  if (ITEM_TAGS.has(t)) return { action: 'K', source: 'structural', ruleId: 'DEID-10' };
  if (t === DATA_SET_TRAILING_PADDING)
    return { action: 'X', source: 'structural', ruleId: 'DEID-60' };
  if ((group & 1) === 1) return resolvePrivate(t, profile, context);
  if (group === 0x0002) {
    if (t === MEDIA_STORAGE_SOP_INSTANCE_UID) {
      const row = tableRow(t);
      if (row) return { ...fromRow(row, profile, context), ruleId: 'DEID-11' };
    }
    const action = FILE_META_KEPT.has(t) ? 'K' : 'X';
    return { action, source: 'fileMeta', ruleId: 'DEID-11' };
  }
  if (group === 0x0004) return { action: 'X', source: 'fileMeta', ruleId: 'DEID-11' };
  if (element === 0x0000) return { action: 'X', source: 'structural', ruleId: 'DEID-10' };
  const override = profile.overrides.find((o) => o.tag === t);
  if (override) {
    const row = tableRow(t);
    const r: Resolution = { action: override.action, source: 'override', ruleId: 'DEID-8' };
    return row ? { ...r, row } : r;
  }
  const row = tableRow(t);
  if (row) return fromRow(row, profile, context);
  if (!isRepeatingGroupMember(t)) return { action: 'X', source: 'unknown', ruleId: 'DEID-9' };
  const entry = lookupTag(t);
  if (!entry) return { action: 'X', source: 'unknown', ruleId: 'DEID-17' };
  if (entry.vr === 'PN') return { action: 'X', source: 'policy', ruleId: 'DEID-15' };
  return { action: 'K', source: 'basic', ruleId: 'DEID-16' };
}
