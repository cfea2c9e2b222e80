// The study de-identification profile: what every site applies, exported and imported as
// a file. Versioned (DEID-14): a file of an unknown version is refused, never guessed at.
// Expected failures are values with a closed reason; only bugs throw.
import { isAction, TABLE_OPTIONS, type Action, type TableOption } from './actions';

export const PROFILE_VERSION = 1;

/**
 * The options of PS3.15 E.3: the ten that have a column in Table E.1-1, and the two that
 * act on pixels, not attributes (they change no attribute action here; the engine and
 * DeidentificationMethodCodeSequence use them).
 */
export type ProfileOption = TableOption | 'cleanPixelDataOpt' | 'cleanRecogVisFeatOpt';

export const PROFILE_OPTIONS: readonly ProfileOption[] = [
  ...TABLE_OPTIONS,
  'cleanPixelDataOpt',
  'cleanRecogVisFeatOpt',
];

export interface Override {
  /** An exact public tag, (group << 16 | element) >>> 0. */
  tag: number;
  action: Action;
  /** Why the standard's action is not the right one here; recorded with every run. */
  reason: string;
}

/** Actions a safe-private rule may give (X is what happens without a rule). */
export type SafePrivateAction = Exclude<Action, 'X'>;

export interface SafePrivateRule {
  /** The Private Creator value, compared after trimming trailing spaces. */
  creator: string;
  /** An odd group such as 0x0029; absent means any group this creator reserves. */
  group?: number;
  /** The element's low byte within the creator's block, 0x00..0xFF. */
  element: number;
  action: SafePrivateAction;
}

export interface DeidProfile {
  v: typeof PROFILE_VERSION;
  name: string;
  options: Record<ProfileOption, boolean>;
  overrides: Override[];
  safePrivate: SafePrivateRule[];
}

export type ProfileErrorReason =
  | 'not-json'
  | 'not-an-object'
  | 'unsupported-version'
  | 'missing-field'
  | 'unknown-field'
  | 'wrong-type'
  | 'unknown-option'
  | 'conflicting-options'
  | 'bad-tag'
  | 'bad-action'
  | 'missing-reason'
  | 'override-on-private-tag'
  | 'override-on-file-meta'
  | 'override-on-structural-tag'
  | 'duplicate-override'
  | 'bad-private-creator'
  | 'bad-private-group'
  | 'bad-private-element'
  | 'safe-private-without-option'
  | 'duplicate-safe-private';

export interface ProfileError {
  reason: ProfileErrorReason;
  /** Where in the file, e.g. "overrides[2].tag". */
  path: string;
  message: string;
}

export type ProfileParse = { ok: true; profile: DeidProfile } | { ok: false; error: ProfileError };

/** Every option off: the Basic Profile alone. */
export function basicProfile(name = 'Basic Profile'): DeidProfile {
  const options = Object.fromEntries(PROFILE_OPTIONS.map((o) => [o, false])) as Record<
    ProfileOption,
    boolean
  >;
  return { v: PROFILE_VERSION, name, options, overrides: [], safePrivate: [] };
}

/** "(0010,0010)" */
export function tagText(tag: number): string {
  const h = (tag >>> 0).toString(16).toUpperCase().padStart(8, '0');
  return `(${h.slice(0, 4)},${h.slice(4)})`;
}

function parseTagText(text: string): number | null {
  const m = /^\(?([0-9A-Fa-f]{4}),?([0-9A-Fa-f]{4})\)?$/.exec(text.trim());
  return m ? parseInt(`${m[1]}${m[2]}`, 16) >>> 0 : null;
}

class Invalid {
  constructor(readonly error: ProfileError) {}
}

function invalid(reason: ProfileErrorReason, path: string, message: string): never {
  throw new Invalid({ reason, path, message });
}

type Obj = Record<string, unknown>;

function object(value: unknown, path: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    invalid(
      path === '' ? 'not-an-object' : 'wrong-type',
      path,
      `${path || 'profile'}: not an object`,
    );
  }
  return value as Obj;
}

function fields(o: Obj, path: string, required: string[], optional: string[] = []): void {
  for (const key of Object.keys(o)) {
    if (!required.includes(key) && !optional.includes(key)) {
      invalid('unknown-field', `${path}${key}`, `unknown field "${key}"`);
    }
  }
  for (const key of required) {
    if (o[key] === undefined) invalid('missing-field', `${path}${key}`, `missing field "${key}"`);
  }
}

function string(value: unknown, path: string): string {
  if (typeof value !== 'string') invalid('wrong-type', path, `${path}: not a string`);
  return value;
}

function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) invalid('wrong-type', path, `${path}: not a list`);
  return value;
}

function tagField(value: unknown, path: string): number {
  const tag = typeof value === 'string' ? parseTagText(value) : null;
  if (tag === null) invalid('bad-tag', path, `${path}: not a tag like "(0010,0010)"`);
  return tag;
}

function parseOptions(value: unknown): Record<ProfileOption, boolean> {
  const o = object(value, 'options');
  const options = basicProfile().options;
  for (const [key, on] of Object.entries(o)) {
    if (!(PROFILE_OPTIONS as readonly string[]).includes(key)) {
      invalid('unknown-option', `options.${key}`, `unknown option "${key}"`);
    }
    if (typeof on !== 'boolean') invalid('wrong-type', `options.${key}`, `not true or false`);
    options[key as ProfileOption] = on;
  }
  if (options.rtnLongFullDatesOpt && options.rtnLongModifDatesOpt) {
    invalid(
      'conflicting-options',
      'options',
      'Retain Longitudinal Temporal Information with Full Dates and with Modified Dates exclude each other',
    );
  }
  return options;
}

function parseOverride(value: unknown, path: string, seen: Set<number>): Override {
  const o = object(value, path);
  fields(o, `${path}.`, ['tag', 'action', 'reason']);
  const tag = tagField(o.tag, `${path}.tag`);
  if (((tag >>> 16) & 1) === 1) {
    invalid('override-on-private-tag', `${path}.tag`, 'private tags are kept by safePrivate rules');
  }
  if (tag >>> 16 === 0x0002) {
    invalid('override-on-file-meta', `${path}.tag`, 'the file meta group is rebuilt by the writer');
  }
  if ((tag & 0xffff) === 0 || tag >>> 16 === 0xfffe || tag >>> 16 === 0x0004) {
    invalid(
      'override-on-structural-tag',
      `${path}.tag`,
      'group lengths, items and group 0004 are not overridable',
    );
  }
  if (seen.has(tag)) invalid('duplicate-override', `${path}.tag`, `${tagText(tag)} twice`);
  seen.add(tag);
  if (!isAction(o.action)) invalid('bad-action', `${path}.action`, 'not one of D Z X K C U');
  const reason = string(o.reason, `${path}.reason`).trim();
  if (reason === '') invalid('missing-reason', `${path}.reason`, 'an override needs a reason');
  return { tag, action: o.action, reason };
}

function parseSafePrivate(value: unknown, path: string, seen: Set<string>): SafePrivateRule {
  const o = object(value, path);
  fields(o, `${path}.`, ['creator', 'element', 'action'], ['group']);
  const creator = string(o.creator, `${path}.creator`).replace(/ +$/, '');
  if (creator === '' || creator.length > 64 || creator.includes('\\')) {
    invalid('bad-private-creator', `${path}.creator`, 'not a Private Creator value (LO)');
  }
  let group: number | undefined;
  if (o.group !== undefined) {
    const g = typeof o.group === 'string' && /^[0-9A-Fa-f]{4}$/.test(o.group) ? o.group : '';
    group = parseInt(g || '0', 16);
    if ((group & 1) !== 1 || group <= 0x0007 || group === 0xffff) {
      invalid('bad-private-group', `${path}.group`, 'not a private group such as "0029"');
    }
  }
  const el = o.element;
  if (typeof el !== 'number' || !Number.isInteger(el) || el < 0 || el > 0xff) {
    invalid('bad-private-element', `${path}.element`, 'not an element byte 0..255');
  }
  if (!isAction(o.action) || o.action === 'X') {
    invalid('bad-action', `${path}.action`, 'not one of D Z K C U');
  }
  const key = `${creator}|${group ?? '*'}|${el}`;
  if (seen.has(key)) invalid('duplicate-safe-private', path, `${creator} ${el} twice`);
  seen.add(key);
  return group === undefined
    ? { creator, element: el, action: o.action }
    : { creator, group, element: el, action: o.action };
}

/** Validates a profile read from a file (text) or already parsed JSON. */
export function parseProfile(input: unknown): ProfileParse {
  try {
    let value = input;
    if (typeof input === 'string') {
      try {
        value = JSON.parse(input);
      } catch {
        invalid('not-json', '', 'the profile file is not JSON');
      }
    }
    const o = object(value, '');
    if (o.v !== PROFILE_VERSION) {
      invalid(
        'unsupported-version',
        'v',
        `profile version ${JSON.stringify(o.v)} is not supported (this build reads ${PROFILE_VERSION})`,
      );
    }
    fields(o, '', ['v', 'name', 'options', 'overrides', 'safePrivate']);
    const name = string(o.name, 'name');
    const options = parseOptions(o.options);
    const seenTags = new Set<number>();
    const overrides = array(o.overrides, 'overrides').map((x, i) =>
      parseOverride(x, `overrides[${i}]`, seenTags),
    );
    const seenPrivate = new Set<string>();
    const safePrivate = array(o.safePrivate, 'safePrivate').map((x, i) =>
      parseSafePrivate(x, `safePrivate[${i}]`, seenPrivate),
    );
    if (safePrivate.length > 0 && !options.rtnSafePrivOpt) {
      invalid(
        'safe-private-without-option',
        'safePrivate',
        'safePrivate rules need the Retain Safe Private option (rtnSafePrivOpt)',
      );
    }
    return { ok: true, profile: { v: PROFILE_VERSION, name, options, overrides, safePrivate } };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, error: e.error };
    throw e;
  }
}

/** The file form: tags as "(gggg,eeee)", groups as "gggg"; parseProfile reads it back. */
export function serializeProfile(profile: DeidProfile): string {
  const file = {
    v: profile.v,
    name: profile.name,
    options: profile.options,
    overrides: profile.overrides.map((o) => ({ ...o, tag: tagText(o.tag) })),
    safePrivate: profile.safePrivate.map((r) =>
      r.group === undefined
        ? r
        : { ...r, group: r.group.toString(16).toUpperCase().padStart(4, '0') },
    ),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}
