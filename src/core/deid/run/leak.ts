// The leak check (DEID-30, DEID-31, DEID-68): every identifying value of a source, whole
// and as tokens distinctive enough to identify, searched for in its output: in the parsed
// text at every depth (the elements after Pixel Data too) and in the raw bytes. A hit holds
// the file back. Reasons name the attribute and place, never the value, because they go
// into documentation that leaves the site.
import { formatTag, keywordOf, lookupTag } from '../../dicom/dictionary';
import { parseDicomBytes } from '../../dicom/file';
import { readDataset } from '../../dicom/parse';
import { Stream } from '../../dicom/stream';
import { DEFAULT_LIMITS, type DataSet, type Encoding, type ParsedDicom } from '../../dicom/types';
import { knownVr, stringValue } from '../../dicom/values';
import { LONG_VRS } from '../../dicom/vr';
import type { DeidProfile } from '../profile';
import { resolveAction } from '../resolve';
import { utf8 } from '../sha256';

export type IdentifierKind =
  'name' | 'id' | 'birth-date' | 'address' | 'phone' | 'institution' | 'free-text';

export interface Identifier {
  /** The text searched for, as found or rewritten (name orders, date formats). */
  value: string;
  kind: IdentifierKind;
  /** Where in the source it came from, e.g. "PatientName" or "(0019,1001)". */
  from: string;
}

const KINDS: Record<string, IdentifierKind> = {
  PatientID: 'id',
  OtherPatientIDs: 'id',
  AccessionNumber: 'id',
  MedicalRecordLocator: 'id',
  AdmissionID: 'id',
  StudyID: 'id',
  PatientBirthDate: 'birth-date',
  PatientAddress: 'address',
  ReferringPhysicianAddress: 'address',
  PatientTelephoneNumbers: 'phone',
  PatientTelecomInformation: 'phone',
  ReferringPhysicianTelephoneNumbers: 'phone',
  InstitutionName: 'institution',
  InstitutionAddress: 'institution',
  InstitutionalDepartmentName: 'institution',
};

/** Values the engine writes itself; a source holding them is not a leak. */
const GENERIC = new Set(['anonymous', 'yes', 'no', 'none', 'unknown', 'n/a', 'na']);
const TEXT_VRS = new Set(['PN', 'LO', 'SH', 'LT', 'ST', 'UT', 'UC', 'CS', 'AE', 'UN']);

function walk(ds: DataSet, visit: (ds: DataSet, el: DataSet['elements'][number]) => void) {
  for (const el of ds.elements) {
    if (el.items) for (const item of el.items) walk(item, visit);
    else visit(ds, el);
  }
}

function nameForms(value: string): string[] {
  const out: string[] = [];
  for (const group of value.split('=')) {
    const [family = '', given = '', middle = ''] = group.split('^').map((c) => c.trim());
    out.push(group.trim());
    for (const c of [family, given, middle]) out.push(c, ...distinctiveTokens(c));
    if (family && given) {
      out.push(`${given} ${family}`, `${family} ${given}`, `${family}, ${given}`);
      if (middle) out.push(`${given} ${middle} ${family}`);
    }
  }
  return out;
}

function dateForms(value: string): string[] {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(value.trim());
  if (!m) return [value];
  const [, y, mo, d] = m as unknown as [string, string, string, string];
  return [
    `${y}${mo}${d}`,
    ...['-', '/', '.'].flatMap((s) => [
      `${y}${s}${mo}${s}${d}`,
      `${d}${s}${mo}${s}${y}`,
      `${mo}${s}${d}${s}${y}`,
    ]),
  ];
}

function addressForms(value: string): string[] {
  return [value, ...value.split(/[\^,;\r\n\\]+/), ...distinctiveTokens(value)];
}

function idForms(value: string): string[] {
  return value.split('\\').flatMap((v) => [v, ...distinctiveTokens(v)]);
}

/** A phone number whole, and its digits when there are enough to identify (7+). */
function phoneForms(value: string): string[] {
  return value.split('\\').flatMap((v) => {
    const digits = v.replace(/\D+/g, '');
    return digits.length >= 7 ? [v, digits] : [v];
  });
}

/**
 * Words too common to identify anyone on their own (DEID-68): English function words, the
 * words of addresses, of hospitals and of imaging descriptions. A name or an address that
 * holds one is still searched whole and by its other words.
 */
// prettier-ignore
export const COMMON_WORDS: ReadonlySet<string> = new Set((
  'the and for with from not but are was were has have had its this that all any one two ' +
  'three four five six new old our out off per via van von der den del des les los las ' +
  'mrs miss prof doctor sir rev ' +
  'street road avenue ave lane drive court place square way close park hill north south ' +
  'east west upper lower main high little great long short green white black brown red ' +
  'blue grey gray king queen church mill station bridge river lake house flat apt suite ' +
  'floor unit building block city town county state village new york london paris usa ' +
  'hospital clinic clinical center centre medical health care university general saint ' +
  'memorial regional national community children department dept radiology imaging ' +
  'institute foundation trust service services unit ward room ' +
  'head neck brain chest thorax abdomen pelvis spine lumbar cervical thoracic knee hip ' +
  'shoulder ankle wrist hand foot arm leg heart liver kidney lung breast prostate whole ' +
  'body left right both bilateral axial sagittal coronal oblique contrast without routine ' +
  'series study scan image images view views localizer scout survey protocol sequence ' +
  'standard sharp soft tissue bone lung mediastinum recon reconstruction primary original ' +
  'derived secondary other monochrome phantom test demo sample anonymous unknown none ' +
  'patient subject research trial site visit baseline follow followup pre post day week ' +
  'month year date time first second third final report dose low mid min max fast slow ' +
  'thin thick mri ct pet spect xray x-ray ultrasound mammo mammography angio perfusion ' +
  'diffusion flair weighted echo spin gradient field fat water sat stir dwi adc bold ' +
  'cine loop stack volume slab slice helical spiral smart auto manual default mrn acc pid ' +
  'ray view matter window level grey back bay held written skipped file files run key ' +
  'risk review text burned facial leak check output input source profile option options basic'
).split(' '));

/**
 * Values sources write in place of an identifier, whole or cut to their field's length
 * ('anonymou' in an 8-character OperatorsName): they identify nobody, and searched as
 * tokens they matched the engine's own 'ANONYMOUS' dummies (DEID-68; nibabel's Siemens
 * sample was held for it).
 */
const PLACEHOLDERS = [
  'anonymous',
  'anonymized',
  'anonymised',
  'anonymisiert',
  'unknown',
  'removed',
  'deidentified',
  'redacted',
  'unnamed',
  'noname',
];
export function isPlaceholder(value: string): boolean {
  const t = value.toLowerCase().replace(/[^\p{L}]/gu, '');
  return t.length >= 4 && PLACEHOLDERS.some((p) => p.startsWith(t));
}

/** Worth searching: long enough not to match by chance, and not a word the engine writes. */
const searchable = remembered((v: string): boolean => {
  const t = v.trim().toLowerCase();
  if (GENERIC.has(t) || COMMON_WORDS.has(t) || isPlaceholder(t)) return false;
  if (/^[\d\s.\-/+()]+$/.test(t)) return t.replace(/\D/g, '').length >= 4;
  return t.replace(/[^\p{L}\p{N}]/gu, '').length >= 3;
});

/**
 * The tokens of a value that identify on their own (DEID-68): numbers of 4+ digits, words
 * of 3+ letters that are not common words, and mixed letter-digit tokens of 4+ characters.
 * A one- or two-character component (a house number, an initial) is never a token.
 */
export function distinctiveTokens(value: string): string[] {
  return [...tokensOf(value)];
}

const tokensOf = remembered((value: string): readonly string[] =>
  (value.match(/[\p{L}\p{N}]+/gu) ?? []).filter((t) => {
    const lower = t.toLowerCase();
    if (/^\d+$/.test(t)) return t.length >= 4;
    if (/^\p{L}+$/u.test(t))
      return (
        t.length >= 3 && !COMMON_WORDS.has(lower) && !GENERIC.has(lower) && !isPlaceholder(lower)
      );
    return t.length >= 4;
  }),
);

/**
 * The identifying values of a source at every depth. Person names (any PN element,
 * private ones included) and patient IDs, birth date, address, phone and accession are
 * always identifying, even when a profile override keeps them; institution values are
 * left out only when the profile keeps them (Retain Institution Identity). Free text
 * that contains any of them is added whole.
 */
export function collectIdentifiers(parsed: ParsedDicom, profile: DeidProfile): Identifier[] {
  const stream = parsed.datasetBytes;
  const texts: TextValue[] = [];
  // What the identifiers depend on, in walk order: each text value with its tag, VR and
  // whether the profile keeps it. Every slice of a series brings the same again.
  let key = '';
  walk(parsed.dataset, (ds, el) => {
    const vr = knownVr(el);
    if (!TEXT_VRS.has(vr) && !(vr === 'DA' && el.tag === 0x00100030)) return;
    const value = stringValue(stream, el, ds);
    if (!value.trim()) return;
    const kept = resolveAction(profile, el.tag).action === 'K';
    texts.push({ tag: el.tag, vr, value, kept });
    key += `${el.tag},${vr},${kept ? 1 : 0},${value.length}:${value}`;
  });
  const known = identifiersByTexts.get(key);
  if (known) return [...known];
  const made = identifiersOf(texts);
  if (identifiersByTexts.size >= 256) identifiersByTexts.clear();
  identifiersByTexts.set(key, made);
  return [...made];
}

interface TextValue {
  tag: number;
  vr: string;
  value: string;
  /** The profile keeps this element as it is (action K). */
  kept: boolean;
}

/** collectIdentifiers' results by their texts: a pure function of them, so remembered. */
const identifiersByTexts = new Map<string, readonly Identifier[]>();

function identifiersOf(values: readonly TextValue[]): readonly Identifier[] {
  const found = new Map<string, Identifier>();
  const add = (forms: readonly string[], kind: IdentifierKind, from: string): void => {
    for (const v of forms) {
      const t = v.trim();
      if (searchable(t) && !found.has(t.toLowerCase()))
        found.set(t.toLowerCase(), { value: t, kind, from });
    }
  };
  const texts: Array<{ value: string; from: string }> = [];
  const keptPlain = new Set<string>();
  for (const { tag, vr, value, kept } of values) {
    const keyword = keywordOf(tag);
    const from = keyword || formatTag(tag);
    texts.push({ value, from });
    if (vr !== 'PN' && !KINDS[keyword] && kept) keptPlain.add(value.trim().toLowerCase());
    if (vr === 'PN') {
      add(value.split('\\').flatMap(nameForms), 'name', from);
      continue;
    }
    const kind = KINDS[keyword];
    if (!kind) continue;
    if (kind === 'institution' && kept) continue;
    if (kind === 'birth-date') add(dateForms(value), kind, from);
    else if (kind === 'address' || kind === 'institution') add(addressForms(value), kind, from);
    else if (kind === 'phone') add(phoneForms(value), kind, from);
    else add(idForms(value), kind, from);
  }
  // An institution value that is also a kept, non-identifying value (a manufacturer's
  // own hospital, say) is what the profile deliberately keeps; names and IDs never are.
  for (const [k, id] of found) {
    if (id.kind === 'institution' && [...keptPlain].some((v) => wordIndex(v, k) >= 0)) {
      found.delete(k);
    }
  }
  const tokens = [...found.values()].map((i) => i.value.toLowerCase());
  for (const t of texts) {
    if (t.value.length < 8) continue;
    const lower = t.value.toLowerCase();
    if (tokens.some((i) => wordIndex(lower, i) >= 0)) add([t.value], 'free-text', t.from);
  }
  return [...found.values()];
}

const isWordChar = (c: string | undefined): boolean => c !== undefined && /[\p{L}\p{N}]/u.test(c);

/**
 * Short tokens and tokens made of digits only match as whole words, so 'MARY' is not
 * found in 'PRIMARY' and an ID is not found inside a long remapped UID; longer tokens
 * match anywhere. Both texts are already lower case.
 */
export function wordIndex(text: string, token: string): number {
  const whole = token.length < 6 || /^[\d\s.\-/+()]+$/.test(token);
  for (let at = text.indexOf(token); at >= 0; at = text.indexOf(token, at + 1)) {
    if (!whole) return at;
    if (!isWordChar(text[at - 1]) && !isWordChar(text[at + token.length])) return at;
  }
  return -1;
}

export interface LeakHit {
  kind: IdentifierKind;
  from: string;
  /** e.g. "parsed (0008,1030)", "raw bytes at 1234", "pixel data bytes at 5678". */
  where: string;
}

/**
 * Bytes as Latin-1 text. `apply` with the typed array, not a spread: a spread walks the
 * array's iterator and cost about 0.12 ms per 2 KB header, for every output.
 */
export function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]);
  }
  return s;
}

/**
 * A pure function of a string, remembered: files of one patient bring the same values
 * again and again (every slice of a series). Cleared when full, as `searchers` is.
 */
function remembered<T>(f: (value: string) => T, kept = 4096): (value: string) => T {
  const seen = new Map<string, T>();
  return (value) => {
    const hit = seen.get(value);
    if (hit !== undefined) return hit;
    const made = f(value);
    if (seen.size >= kept) seen.clear();
    seen.set(value, made);
    return made;
  };
}

const byteForms = remembered((value: string): readonly string[] => {
  const lower = value.toLowerCase();
  // The header text is lowered as Latin-1, so UTF-8 forms are lowered the same way.
  const forms = [latin1(utf8(lower)).toLowerCase()];
  if (Array.from(lower).every((c) => c.charCodeAt(0) <= 0xff)) forms.push(lower);
  return [...new Set(forms)];
});

/** Latin-1 lower case of a byte, as String.toLowerCase does for U+0000..U+00FF. */
const LOWER = Uint8Array.from({ length: 256 }, (_, b) =>
  (b >= 0x41 && b <= 0x5a) || (b >= 0xc0 && b <= 0xde && b !== 0xd7) ? b + 0x20 : b,
);

/** The raw bytes whose Latin-1 lower case is each byte (the inverse of LOWER). */
const RAW_OF: number[][] = Array.from({ length: 256 }, () => []);
LOWER.forEach((lower, raw) => RAW_OF[lower]!.push(raw));

/** A set of forms made ready for bytesContain: built once per distinct set, then reused. */
interface Searcher {
  codes: Uint8Array[];
  stride: number;
  /** 1 where a raw byte pair occurs, in some case, at a sampled offset of some form. */
  pairs: Uint8Array;
  /**
   * For a lowered byte pair, the (form, offset) places it occurs at, forms in order and
   * offsets rising: only those can match where a sample finds that pair.
   */
  places: Map<number, Array<[number, number]>>;
}

const searchers = new Map<string, Searcher>();
const SEARCHERS_KEPT = 64;

function searcher(forms: readonly string[]): Searcher {
  const key = forms.join('\0');
  const found = searchers.get(key);
  if (found) return found;
  const codes = forms.map((f) => Uint8Array.from(f, (c) => c.charCodeAt(0)));
  const stride = Math.max(1, Math.min(...codes.map((c) => c.length)) - 1);
  const pairs = new Uint8Array(65536);
  const places = new Map<number, Array<[number, number]>>();
  codes.forEach((c, n) => {
    for (let j = 0; j < stride; j++) {
      for (const a of RAW_OF[c[j]!] ?? [])
        for (const b of RAW_OF[c[j + 1]!] ?? []) pairs[(a << 8) | b] = 1;
      const lowered = (c[j]! << 8) | c[j + 1]!;
      const list = places.get(lowered) ?? [];
      list.push([n, j]);
      places.set(lowered, list);
    }
  });
  // Files of one patient share their forms: a few sets cover a run.
  if (searchers.size >= SEARCHERS_KEPT) searchers.clear();
  const made = { codes, stride, pairs, places };
  searchers.set(key, made);
  return made;
}

/**
 * Which of `forms` (already lower case, Latin-1 code units, at least PIXEL_TOKEN_MIN long)
 * occur in binary data, case-insensitively. Every occurrence covers one of the sampled
 * positions 0, k, 2k, ... (k = shortest form - 1) together with the byte after it, so
 * only those byte pairs are looked up in a 64 KiB table of the pairs the forms contain
 * (in every case, so the raw bytes index it directly): the pass reads two bytes in k and
 * does not grow with the number of identifiers. It runs over every pixel byte of every
 * output, so its loop is kept to one table lookup per sample; where a pair is found, only
 * the forms and offsets that contain that pair are tried.
 */
function bytesContain(hay: Uint8Array, forms: readonly string[]): Map<string, number> {
  const found = new Map<string, number>();
  const { codes, stride, pairs, places } = searcher(forms);
  const matches = (c: Uint8Array, at: number): boolean => {
    if (at < 0 || at + c.length > hay.length) return false;
    for (let k = 0; k < c.length; k++) if (LOWER[hay[at + k]!] !== c[k]) return false;
    return true;
  };
  const last = hay.length - 1;
  for (let s = 0; s < last; s += stride) {
    if (pairs[(hay[s]! << 8) | hay[s + 1]!] === 0) continue;
    const here = places.get((LOWER[hay[s]!]! << 8) | LOWER[hay[s + 1]!]!);
    if (!here) continue;
    let skip = -1;
    for (const [n, j] of here) {
      if (n === skip) continue;
      const form = forms[n]!;
      if (found.has(form)) continue;
      if (matches(codes[n]!, s - j)) {
        found.set(form, s - j);
        skip = n;
      }
    }
    if (found.size === forms.length) break;
  }
  return found;
}

/** For tests: bytesContain as the leak check runs it. */
export const bytesContainForTest = bytesContain;

/** Tokens at least this long are searched inside Pixel Data; shorter ones occur by chance. */
export const PIXEL_TOKEN_MIN = 6;

/** Values never searched as text: UIDs (remapped or the standard's, DEID-62) and numbers. */
const NOT_TEXT = new Set([
  'UI',
  'DS',
  'IS',
  'AS',
  'TM',
  'US',
  'SS',
  'UL',
  'SL',
  'FL',
  'FD',
  'UV',
  'SV',
  'AT',
  'OF',
  'OD',
  'OL',
  'OV',
]);
const DATE_VRS = new Set(['DA', 'DT']);

/** Bytes of `parts` (one stream cut in pieces) from `from` to `to`. */
function slice(parts: readonly Uint8Array[], from: number, to: number): Uint8Array {
  const out = new Uint8Array(Math.max(0, to - from));
  let base = 0;
  for (const p of parts) {
    const a = Math.max(from, base);
    const b = Math.min(to, base + p.length);
    if (a < b) out.set(p.subarray(a - base, b - base), a - from);
    base += p.length;
  }
  return out;
}

/**
 * Where the Pixel Data element that starts `tail` ends, or null when the tail does not
 * start with one (then it is all taken for pixel data).
 */
function pixelEnd(parts: readonly Uint8Array[], total: number, enc: Encoding): number | null {
  const head = slice(parts, 0, 12);
  if (head.length < 8) return null;
  const view = new DataView(head.buffer);
  const little = enc.littleEndian;
  const group = view.getUint16(0, little);
  if (group !== 0x7fe0) return null;
  let len: number;
  let at: number;
  if (enc.explicitVR) {
    const vr = String.fromCharCode(head[4] ?? 0, head[5] ?? 0);
    if (!LONG_VRS.has(vr) || head.length < 12) return null;
    len = view.getUint32(8, little);
    at = 12;
  } else {
    len = view.getUint32(4, little);
    at = 8;
  }
  if (len !== 0xffffffff) return at + len <= total ? at + len : null;
  // Encapsulated: walk the fragments by their item headers, reading 8 bytes at a time.
  for (let pos = at; pos + 8 <= total;) {
    const item = new DataView(slice(parts, pos, pos + 8).buffer);
    const tag = ((item.getUint16(0, little) << 16) | item.getUint16(2, little)) >>> 0;
    const n = item.getUint32(4, little);
    if (tag === 0xfffee0dd) return pos + 8;
    if (tag !== 0xfffee000 || n === 0xffffffff) return null;
    pos += 8 + n;
  }
  return null;
}

/**
 * Searches an output for the identifiers of its source. `header` is everything before
 * Pixel Data (it parses on its own); `tail` is the Pixel Data element and anything after,
 * whole or in the parts it is written in. What follows Pixel Data is parsed and searched
 * as the header is (DEID-68); Pixel Data itself only for tokens of 6+ bytes.
 */
export function findLeaks(
  header: Uint8Array,
  tail: Uint8Array | readonly Uint8Array[],
  ids: readonly Identifier[],
): LeakHit[] {
  const hits: LeakHit[] = [];
  const seen = new Set<string>();
  const hit = (id: Identifier, where: string): void => {
    const k = `${id.from}|${where}`;
    if (!seen.has(k)) {
      seen.add(k);
      hits.push({ kind: id.kind, from: id.from, where });
    }
  };
  const parsed = parseDicomBytes(header);
  if (parsed.kind !== 'parsed') {
    return [
      { kind: 'free-text', from: '(output)', where: 'the output header does not parse back' },
    ];
  }
  const d = parsed.dicom;
  // Each identifier's forms once per output, not once per place searched.
  const lowered = ids.map((id) => ({
    id,
    lower: id.value.toLowerCase(),
    forms: byteForms(id.value),
  }));
  /** Parsed text values; returns the byte ranges of values that are not text, to blank. */
  const visit = (ds: DataSet, stream: Uint8Array, place: string): Array<[number, number]> => {
    const blank: Array<[number, number]> = [];
    const values: Array<{ el: DataSet['elements'][number]; text: string; dates: boolean }> = [];
    walk(ds, (owner, el) => {
      const vr = knownVr(el);
      if (NOT_TEXT.has(vr)) {
        blank.push([el.valueOffset, el.valueOffset + el.length]);
        return;
      }
      const dates = DATE_VRS.has(vr);
      if (!dates && !TEXT_VRS.has(vr) && vr !== 'UR') return;
      values.push({ el, text: stringValue(stream, el, owner).toLowerCase(), dates });
      if (dates) blank.push([el.valueOffset, el.valueOffset + el.length]);
    });
    // Every value joined with NUL (not a word character, so whole-word matches at a value's
    // edge are found as before) tells in one search per identifier whether it occurs at
    // all; only those that do are looked for value by value, in the same order as before.
    const joined = values
      .filter((v) => !v.dates)
      .map((v) => v.text)
      .join('\0');
    const joinedAll = values.map((v) => v.text).join('\0');
    const present = lowered.filter(
      ({ id, lower }) => wordIndex(id.kind === 'birth-date' ? joinedAll : joined, lower) >= 0,
    );
    if (!present.length) return blank;
    for (const { el, text, dates } of values) {
      for (const { id, lower } of present) {
        if (dates && id.kind !== 'birth-date') continue;
        if (wordIndex(text, lower) >= 0)
          hit(
            id,
            `${place}${formatTag(el.tag)}${lookupTag(el.tag)?.keyword ? ` ${keywordOf(el.tag)}` : ''}`,
          );
      }
    }
    return blank;
  };
  /** Raw bytes with the ranges blanked, searched for every form (unparsed private text). */
  const rawSearch = (bytes: Uint8Array, blank: Array<[number, number]>, place: string): void => {
    const copy = bytes.slice();
    for (const [a, b] of blank) copy.fill(0x20, a, Math.min(b, copy.length));
    const raw = latin1(copy).toLowerCase();
    for (const { id, forms } of lowered) {
      for (const form of forms) {
        const at = wordIndex(raw, form);
        if (at >= 0) hit(id, `${place} at ${at}`);
      }
    }
  };
  // The file meta group is the writer's own (DEID-11): transfer syntax, remapped SOP UIDs.
  const metaEnd = d.meta ? d.meta.end : 0;
  const blank = visit(d.dataset, d.datasetBytes, 'parsed ');
  rawSearch(header, [[0, metaEnd], ...blank], 'raw header bytes');
  const long: Array<{ id: Identifier; form: string }> = [];
  for (const { id, forms } of lowered) {
    for (const form of forms) {
      if (form.length >= PIXEL_TOKEN_MIN) long.push({ id, form });
    }
  }
  const parts: readonly Uint8Array[] = tail instanceof Uint8Array ? [tail] : tail;
  const total = parts.reduce((n, p) => n + p.length, 0);
  const end = total > 0 ? pixelEnd(parts, total, d.encoding) : null;
  const pixelParts: Uint8Array[] = [];
  let base = 0;
  for (const p of parts) {
    const stop = end === null ? p.length : Math.max(0, Math.min(p.length, end - base));
    if (stop > 0) pixelParts.push(p.subarray(0, stop));
    base += p.length;
  }
  if (long.length > 0) {
    let offset = header.length;
    for (const p of pixelParts) {
      const found = bytesContain(p, [...new Set(long.map((l) => l.form))]);
      for (const { id, form } of long) {
        const at = found.get(form);
        if (at !== undefined) hit(id, `pixel data bytes at ${offset + at}`);
      }
      offset += p.length;
    }
  }
  if (end !== null && end < total) {
    const trailer = slice(parts, end, total);
    const r = readDataset(new Stream(trailer, trailer.length), 0, d.encoding, DEFAULT_LIMITS);
    if ('problem' in r || 'needMore' in r || r.pixelData) {
      hits.push({
        kind: 'free-text',
        from: '(output)',
        where: 'the data after Pixel Data do not parse back',
      });
    } else {
      rawSearch(
        trailer,
        visit(r.dataset, trailer, 'after Pixel Data, parsed '),
        'after Pixel Data, raw bytes',
      );
    }
  }
  return hits;
}
