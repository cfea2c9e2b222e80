// The difference between two protocol versions in words (QC-50): what a monitor reads before
// an amendment is published. Every part of the file is named: the header (dates, title,
// source), mandatory fields, series requirements, series rules and manual items, visit rules
// and the normalisation table. Items are matched by ID (IDs are unique in a file, QC-3).
import { checkText, visitWords } from './describe';
import type { Protocol, SynonymTables } from './types';

export type ChangeArea =
  | 'protocol'
  | 'source'
  | 'mandatory'
  | 'requirement'
  | 'rule'
  | 'manual'
  | 'visit'
  | 'normalisation';

export interface ProtocolChange {
  kind: 'added' | 'removed' | 'changed';
  area: ChangeArea;
  id: string;
  /** One sentence, e.g. "CT-2 changed: SliceThickness ≤ 5 mm → SliceThickness ≤ 3 mm". */
  text: string;
}

interface Item {
  area: ChangeArea;
  /** How the sentence names the item ("visit rule V-1"); series rules are named by ID alone. */
  name: string;
  /** The series requirement it belongs to (series rules and manual items). */
  where?: string;
  words: string;
  /** Severity, or for a mandatory field its action. */
  level: string;
  levelName: string;
  text: string;
  source?: string;
}

function itemsOf(p: Protocol): Map<string, Item> {
  const m = new Map<string, Item>();
  for (const f of p.mandatory ?? [])
    m.set(f.id, {
      area: 'mandatory',
      name: `mandatory field ${f.id}`,
      words: `${f.attribute} is filled`,
      level: f.action,
      levelName: 'action',
      text: f.text,
      source: f.source,
    });
  for (const s of p.series) {
    for (const r of s.rules)
      m.set(r.id, {
        area: 'rule',
        name: r.id,
        where: s.id,
        words: checkText(r.check),
        level: r.severity,
        levelName: 'severity',
        text: r.text,
        source: r.source,
      });
    for (const x of s.manual ?? [])
      m.set(x.id, {
        area: 'manual',
        name: `manual item ${x.id}`,
        where: s.id,
        words: 'checked by the QC reviewer',
        level: 'manual',
        levelName: 'severity',
        text: x.text,
      });
  }
  for (const v of p.visits ?? [])
    m.set(v.id, {
      area: 'visit',
      name: `visit rule ${v.id}`,
      words: visitWords(v),
      level: v.severity,
      levelName: 'severity',
      text: v.text,
      source: v.source,
    });
  return m;
}

/** "a → b", "added “b”" or "removed “a”" for an optional text. */
function optional(label: string, a: string | undefined, b: string | undefined): string | null {
  if (a === b) return null;
  if (a === undefined) return `${label} added “${b}”`;
  if (b === undefined) return `${label} removed (was “${a}”)`;
  return `${label} “${a}” → “${b}”`;
}

function itemChange(id: string, a: Item, b: Item): ProtocolChange | null {
  const parts = [
    a.words !== b.words ? `${a.words} → ${b.words}` : null,
    a.level !== b.level ? `${b.levelName} ${a.level} → ${b.level}` : null,
    a.where !== b.where ? `moved ${a.where ?? '-'} → ${b.where ?? '-'}` : null,
    a.text !== b.text ? `text “${a.text}” → “${b.text}”` : null,
    optional('source', a.source, b.source),
  ].filter((x): x is string => x !== null);
  return parts.length
    ? { kind: 'changed', area: b.area, id, text: `${b.name} changed: ${parts.join('; ')}` }
    : null;
}

function headerChanges(a: Protocol, b: Protocol): ProtocolChange[] {
  const out: ProtocolChange[] = [];
  const push = (area: ChangeArea, id: string, text: string | null) => {
    if (text) out.push({ kind: 'changed', area, id, text });
  };
  if (a.id !== b.id) push('protocol', 'id', `protocol id ${a.id} → ${b.id}`);
  if (a.effectiveDate !== b.effectiveDate)
    push('protocol', 'effectiveDate', `effective date ${a.effectiveDate} → ${b.effectiveDate}`);
  if (a.title !== b.title) push('protocol', 'title', `title “${a.title}” → “${b.title}”`);
  if (a.source.citation !== b.source.citation)
    push(
      'source',
      'source.citation',
      `source citation “${a.source.citation}” → “${b.source.citation}”`,
    );
  push('source', 'source.url', optional('source URL', a.source.url, b.source.url));
  return out;
}

function requirementChanges(a: Protocol, b: Protocol): ProtocolChange[] {
  const out: ProtocolChange[] = [];
  const sel = (s: Protocol['series'][number]): string =>
    s.select?.length ? s.select.map(checkText).join(' and ') : `every ${s.modality} series`;
  const before = new Map(a.series.map((s) => [s.id, s]));
  const after = new Map(b.series.map((s) => [s.id, s]));
  for (const [id, s] of after) {
    const was = before.get(id);
    if (!was) {
      out.push({
        kind: 'added',
        area: 'requirement',
        id,
        text: `series requirement ${id} added (${s.modality}: ${s.title}), for ${sel(s)}`,
      });
      continue;
    }
    const parts = [
      was.modality !== s.modality ? `modality ${was.modality} → ${s.modality}` : null,
      was.title !== s.title ? `title “${was.title}” → “${s.title}”` : null,
      sel(was) !== sel(s) ? `applies to ${sel(was)} → ${sel(s)}` : null,
    ].filter((x): x is string => x !== null);
    if (parts.length)
      out.push({
        kind: 'changed',
        area: 'requirement',
        id,
        text: `series requirement ${id} changed: ${parts.join('; ')}`,
      });
  }
  for (const [id, s] of before)
    if (!after.has(id))
      out.push({
        kind: 'removed',
        area: 'requirement',
        id,
        text: `series requirement ${id} removed (${s.modality}: ${s.title})`,
      });
  return out;
}

const TABLES: Array<keyof SynonymTables> = ['manufacturer', 'bodyPart', 'kernel', 'contrast'];

function normalisationChanges(a: Protocol, b: Protocol): ProtocolChange[] {
  const out: ProtocolChange[] = [];
  for (const t of TABLES) {
    const x = a.normalisation?.[t] ?? {};
    const y = b.normalisation?.[t] ?? {};
    const id = (k: string) => `normalisation.${t}.${k}`;
    for (const [k, v] of Object.entries(y)) {
      const was = x[k];
      if (was === undefined)
        out.push({
          kind: 'added',
          area: 'normalisation',
          id: id(k),
          text: `normalisation ${t} entry “${k}” added (read as ${v})`,
        });
      else if (was !== v)
        out.push({
          kind: 'changed',
          area: 'normalisation',
          id: id(k),
          text: `normalisation ${t} entry “${k}” changed: read as ${was} → ${v}`,
        });
    }
    for (const [k, v] of Object.entries(x))
      if (!(k in y))
        out.push({
          kind: 'removed',
          area: 'normalisation',
          id: id(k),
          text: `normalisation ${t} entry “${k}” removed (was read as ${v})`,
        });
  }
  return out;
}

/** What changed from `a` to `b`, part by part, in words. */
export function diffProtocols(a: Protocol, b: Protocol): ProtocolChange[] {
  const out = [...headerChanges(a, b), ...requirementChanges(a, b)];
  const ia = itemsOf(a);
  const ib = itemsOf(b);
  for (const [id, r] of ib) {
    const before = ia.get(id);
    if (!before)
      out.push({
        kind: 'added',
        area: r.area,
        id,
        text: `${r.name} added${r.where ? ` to ${r.where}` : ''} (${r.level}): ${r.words}: “${r.text}”`,
      });
    else {
      const c = itemChange(id, before, r);
      if (c) out.push(c);
    }
  }
  for (const [id, r] of ia)
    if (!ib.has(id))
      out.push({
        kind: 'removed',
        area: r.area,
        id,
        text: `${r.name} removed${r.where ? ` from ${r.where}` : ''}: ${r.words}`,
      });
  return [...out, ...normalisationChanges(a, b)];
}
