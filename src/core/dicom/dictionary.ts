// Tag lookups over the generated data dictionary. The tables are parsed on first use so
// that importing core costs nothing until a file is actually read.
import { DICTIONARY_ENTRIES, WILDCARD_ENTRIES } from './dictionary.generated';

export interface DictionaryEntry {
  /** (group << 16 | element) >>> 0 */
  tag: number;
  vr: string;
  vm: string;
  retired: boolean;
  keyword: string;
}

interface WildcardEntry extends DictionaryEntry {
  mask: number;
}

let byTag: Map<number, DictionaryEntry> | null = null;
let byKeyword: Map<string, DictionaryEntry> | null = null;
let wildcards: WildcardEntry[] | null = null;

function parseLine(line: string): { hex: string; entry: Omit<DictionaryEntry, 'tag'> } | null {
  const [hex, vr, vm, retired, keyword] = line.split(',');
  if (hex === undefined || hex.length !== 8) return null;
  return {
    hex,
    entry: { vr: vr ?? 'UN', vm: vm ?? '', retired: retired === 'R', keyword: keyword ?? '' },
  };
}

function load(): void {
  byTag = new Map();
  byKeyword = new Map();
  wildcards = [];
  for (const line of DICTIONARY_ENTRIES.split('\n')) {
    const parsed = parseLine(line);
    if (!parsed) continue;
    const entry = { tag: parseInt(parsed.hex, 16) >>> 0, ...parsed.entry };
    byTag.set(entry.tag, entry);
    if (entry.keyword) byKeyword.set(entry.keyword, entry);
  }
  for (const line of WILDCARD_ENTRIES.split('\n')) {
    const parsed = parseLine(line);
    if (!parsed) continue;
    let mask = 0;
    for (const ch of parsed.hex) mask = ((mask << 4) | (ch === 'X' ? 0 : 0xf)) >>> 0;
    const entry = { tag: parseInt(parsed.hex.replace(/X/g, '0'), 16) >>> 0, mask, ...parsed.entry };
    wildcards.push(entry);
    if (entry.keyword && !byKeyword.has(entry.keyword)) byKeyword.set(entry.keyword, entry);
  }
}

/** The dictionary entry for a tag, including repeating groups (50xx, 60xx...). */
export function lookupTag(tag: number): DictionaryEntry | undefined {
  if (!byTag) load();
  const found = byTag?.get(tag >>> 0);
  if (found) return found;
  for (const w of wildcards ?? []) {
    if ((tag & w.mask) >>> 0 === w.tag) return w;
  }
  return undefined;
}

/** The tag for a keyword, e.g. "PatientName" -> 0x00100010. */
export function tagForKeyword(keyword: string): number | undefined {
  if (!byKeyword) load();
  return byKeyword?.get(keyword)?.tag;
}

export function isPrivateTag(tag: number): boolean {
  return ((tag >>> 16) & 1) === 1;
}

/**
 * The VR to use when the data do not say (implicit VR): group lengths are UL, private
 * creators LO, other private and unknown tags UN.
 */
export function implicitVr(tag: number): string {
  if ((tag & 0xffff) === 0) return 'UL';
  if (isPrivateTag(tag)) {
    const element = tag & 0xffff;
    return element >= 0x10 && element <= 0xff ? 'LO' : 'UN';
  }
  return lookupTag(tag)?.vr ?? 'UN';
}

/** Keyword, or "" for private and unknown tags. */
export function keywordOf(tag: number): string {
  if (isPrivateTag(tag)) return '';
  return lookupTag(tag)?.keyword ?? '';
}

/** "(0010,0010)" */
export function formatTag(tag: number): string {
  const hex = (tag >>> 0).toString(16).toUpperCase().padStart(8, '0');
  return `(${hex.slice(0, 4)},${hex.slice(4)})`;
}

/** "00100010" */
export function tagHex(tag: number): string {
  return (tag >>> 0).toString(16).toUpperCase().padStart(8, '0');
}
