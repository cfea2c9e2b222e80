// The action codes of DICOM PS3.15 Annex E, Table E.1-1, and the one place where a
// combined code ("X/Z", "X/Z/D" ...) is narrowed to a single action. Rule IDs refer to
// SPEC.md in this folder.

/**
 * A single action, as the engine performs it (PS3.15 E.1.1, legend of Table E.1-1):
 * - D: replace with a non-zero-length dummy value consistent with the VR;
 * - Z: replace with a zero-length value (or a dummy, where the VR cannot be empty);
 * - X: remove;
 * - K: keep (for sequences: keep, and process the items recursively);
 * - C: clean: replace with values of similar meaning known not to identify;
 * - U: replace with a non-zero-length UID consistent within the set of instances.
 */
export type Action = 'D' | 'Z' | 'X' | 'K' | 'C' | 'U';

export const ACTIONS: readonly Action[] = ['D', 'Z', 'X', 'K', 'C', 'U'];

/**
 * The codes of the Basic Profile column. "X/Z/U*" is the standard's spelling for
 * sequences of references: remove, or empty, or keep with every UID inside replaced.
 */
export type BasicCode = Action | 'X/Z' | 'X/D' | 'Z/D' | 'X/Z/D' | 'X/Z/U*';

export const BASIC_CODES: readonly BasicCode[] = [
  ...ACTIONS,
  'X/Z',
  'X/D',
  'Z/D',
  'X/Z/D',
  'X/Z/U*',
];

/** The option columns of Table E.1-1, named as in the Innolitics JSON. */
export type TableOption =
  | 'rtnSafePrivOpt'
  | 'rtnUIDsOpt'
  | 'rtnDevIdOpt'
  | 'rtnInstIdOpt'
  | 'rtnPatCharsOpt'
  | 'rtnLongFullDatesOpt'
  | 'rtnLongModifDatesOpt'
  | 'cleanDescOpt'
  | 'cleanStructContOpt'
  | 'cleanGraphOpt';

/** In the standard's column order (PS3.15 Table E.1-1). */
export const TABLE_OPTIONS: readonly TableOption[] = [
  'rtnSafePrivOpt',
  'rtnUIDsOpt',
  'rtnDevIdOpt',
  'rtnInstIdOpt',
  'rtnPatCharsOpt',
  'rtnLongFullDatesOpt',
  'rtnLongModifDatesOpt',
  'cleanDescOpt',
  'cleanStructContOpt',
  'cleanGraphOpt',
];

/** One row of Table E.1-1 as generated into profile-table.generated.ts. */
export interface ProfileRow {
  /** (group << 16 | element) >>> 0, with the wildcard digits as 0. */
  tag: number;
  /** Bits of a tag that must equal `tag`; 0xFFFFFFFF for an exact tag. */
  mask: number;
  /** As printed in the standard, e.g. "(60XX,3000)". */
  tagText: string;
  name: string;
  /** "" for the rows that stand for many attributes (curves, private). */
  keyword: string;
  /** The "in standard composite IOD" column: false means no IOD constrains it. */
  inStdCompIod: boolean;
  basic: BasicCode;
  options: Partial<Record<TableOption, Action>>;
}

/** Whatever is known of the attribute's place in the IOD at hand. */
export interface IodContext {
  /** The attribute's type in the module that holds it ("1C" counts as "1", "2C" as "2"). */
  attributeType?: '1' | '2' | '3';
}

/** A narrowed combined code, with the rule that narrowed it. */
export interface Narrowed {
  action: Action;
  ruleId: string;
}

function members(code: BasicCode): Action[] {
  return code.replace('*', '').split('/') as Action[];
}

/**
 * DEID-3..DEID-5. The standard (Table E.1-1 legend) reads a combined code as "the first
 * action, unless a later one is needed to keep the IOD valid": X/Z is Z for a Type 2
 * attribute, X/D is D for Type 1, Z/D is D for Type 1, X/Z/D is Z for Type 2 and D for
 * Type 1, X/Z/U* is Z for Type 2 and U for Type 1.
 *
 * - DEID-3: with the attribute's type known, that reading is applied exactly.
 * - DEID-4: a row marked "not in any standard composite IOD" has no type to keep, so
 *   the first (most removing) action is taken.
 * - DEID-5: with the type unknown we cannot tell, so we take the action that keeps the
 *   output valid whatever the type is: the Type 1 choice (D, or U for X/Z/U*), else the
 *   Type 2 choice (Z). These never keep the original value, so no information is kept
 *   that removal would have dropped; only the validity of the output is gained.
 */
export function narrow(
  code: BasicCode,
  row: { inStdCompIod: boolean },
  iod?: IodContext,
): Narrowed {
  const all = members(code);
  const first = all[0] ?? 'X';
  if (all.length === 1) return { action: first, ruleId: 'DEID-2' };
  if (!row.inStdCompIod) return { action: first, ruleId: 'DEID-4' };
  const forType1 = all.find((a) => a === 'D' || a === 'U');
  const forType2 = all.includes('Z') ? 'Z' : undefined;
  const type = iod?.attributeType;
  if (type === '3') return { action: first, ruleId: 'DEID-3' };
  if (type === '2') return { action: forType2 ?? forType1 ?? first, ruleId: 'DEID-3' };
  if (type === '1') return { action: forType1 ?? forType2 ?? first, ruleId: 'DEID-3' };
  return { action: forType1 ?? forType2 ?? first, ruleId: 'DEID-5' };
}

/**
 * How much of the original value an action can let through; higher keeps more. Used
 * where two enabled options disagree (DEID-7): the more protective action wins.
 */
const RETENTION: Record<Action, number> = { X: 0, Z: 1, D: 2, U: 3, C: 4, K: 5 };

export function moreProtective(a: Action, b: Action): Action {
  return RETENTION[a] <= RETENTION[b] ? a : b;
}

export function isAction(value: unknown): value is Action {
  return typeof value === 'string' && (ACTIONS as readonly string[]).includes(value);
}
