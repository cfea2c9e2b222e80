// Vendor values normalised before any rule sees them (QC-10..QC-14). The shipped tables
// below are extended per study by a protocol's `normalisation` block; the original value is
// always kept beside the normalised one so the UI can show both.
import type { SynonymTables, Unit } from '../protocol/types';

export type TableName = keyof SynonymTables;

/** Keys are matched case-insensitively with runs of space, '_' and '-' folded to one space. */
export const SHIPPED: Required<SynonymTables> = {
  manufacturer: {
    siemens: 'Siemens',
    'siemens healthineers': 'Siemens',
    'siemens healthcare': 'Siemens',
    'ge medical systems': 'GE',
    'ge healthcare': 'GE',
    ge: 'GE',
    'general electric': 'GE',
    philips: 'Philips',
    'philips medical systems': 'Philips',
    'philips healthcare': 'Philips',
    toshiba: 'Canon',
    'canon medical systems': 'Canon',
    canon: 'Canon',
    'united imaging healthcare': 'United Imaging',
    uih: 'United Imaging',
  },
  bodyPart: {
    chest: 'CHEST',
    thorax: 'CHEST',
    abdomen: 'ABDOMEN',
    pelvis: 'PELVIS',
    chestabdpelvis: 'CHESTABDPELVIS',
    'chest abdomen pelvis': 'CHESTABDPELVIS',
    cap: 'CHESTABDPELVIS',
    tap: 'CHESTABDPELVIS',
    wholebody: 'WHOLEBODY',
    'whole body': 'WHOLEBODY',
    wb: 'WHOLEBODY',
    brain: 'BRAIN',
    head: 'HEAD',
    'head neck': 'HEADNECK',
    cerebrum: 'BRAIN',
  },
  // Reconstruction kernels to classes: soft (standard soft tissue), lung, sharp (bone/detail).
  kernel: {
    standard: 'soft',
    soft: 'soft',
    body: 'soft',
    i30f: 'soft',
    i31f: 'soft',
    b30f: 'soft',
    b31f: 'soft',
    b40f: 'soft',
    br36: 'soft',
    br38: 'soft',
    br40: 'soft',
    a: 'soft',
    b: 'soft',
    c: 'soft',
    fc08: 'soft',
    fc18: 'soft',
    lung: 'lung',
    b70f: 'lung',
    bl57: 'lung',
    br64: 'sharp',
    l: 'lung',
    yb: 'lung',
    fc51: 'lung',
    bone: 'sharp',
    boneplus: 'sharp',
    detail: 'sharp',
    edge: 'sharp',
    d: 'sharp',
    b60f: 'sharp',
  },
  // Contrast agents to their active ingredient (trade names differ by country).
  contrast: {
    omnipaque: 'iohexol',
    iohexol: 'iohexol',
    visipaque: 'iodixanol',
    iodixanol: 'iodixanol',
    ultravist: 'iopromide',
    iopromide: 'iopromide',
    isovue: 'iopamidol',
    iopamiron: 'iopamidol',
    iopamidol: 'iopamidol',
    iomeron: 'iomeprol',
    iomeprol: 'iomeprol',
    gadavist: 'gadobutrol',
    gadovist: 'gadobutrol',
    gadobutrol: 'gadobutrol',
    dotarem: 'gadoterate',
    clariscan: 'gadoterate',
    magnescope: 'gadoterate',
    gadoterate: 'gadoterate',
    magnevist: 'gadopentetate',
    prohance: 'gadoteridol',
    multihance: 'gadobenate',
  },
};

/** Which attribute keyword is normalised through which table. */
export const TABLE_OF: Record<string, TableName> = {
  Manufacturer: 'manufacturer',
  BodyPartExamined: 'bodyPart',
  ConvolutionKernel: 'kernel',
  ContrastBolusAgent: 'contrast',
};

export const foldKey = (s: string): string =>
  s
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ');

export interface Normaliser {
  /** The normalised text of a value of `keyword`: a table's class, else the trimmed value. */
  text(keyword: string, raw: string): string;
}

/** The shipped tables overlaid with a study's own (the study's entries win). */
export function normaliser(extra: SynonymTables = {}): Normaliser {
  const tables = new Map<TableName, Map<string, string>>();
  for (const name of Object.keys(SHIPPED) as TableName[]) {
    const m = new Map<string, string>();
    for (const [k, v] of Object.entries(SHIPPED[name])) m.set(foldKey(k), v);
    for (const [k, v] of Object.entries(extra[name] ?? {})) m.set(foldKey(k), v);
    tables.set(name, m);
  }
  return {
    text(keyword, raw) {
      const name = TABLE_OF[keyword];
      const trimmed = raw.trim();
      if (!name) return trimmed;
      const table = tables.get(name)!;
      const folded = foldKey(trimmed);
      const hit = table.get(folded);
      if (hit !== undefined) return hit;
      if (name === 'kernel') return kernelByPattern(folded) ?? trimmed;
      if (name === 'contrast') {
        // "Omnipaque 350": the trade name followed by a concentration.
        const first = table.get(folded.split(' ')[0] ?? '');
        if (first !== undefined) return first;
      }
      return trimmed;
    },
  };
}

/** Siemens kernels (B30f, Br40d, I31s, Hr64...): the number is the sharpness. */
function kernelByPattern(folded: string): string | undefined {
  const m = /^[bihqt][rl]?(\d{2})[a-z]?( \d)?$/.exec(folded);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (folded.startsWith('bl') || folded.startsWith('hl')) return 'lung';
  return n <= 45 ? 'soft' : n >= 60 ? 'sharp' : 'sharp';
}

export type ParsedNumber = { ok: true; value: number } | { ok: false; reason: string };

const UNIT_WORDS: Record<string, { unit: Unit; factor: number }> = {
  mm: { unit: 'mm', factor: 1 },
  cm: { unit: 'mm', factor: 10 },
  ms: { unit: 'ms', factor: 1 },
  s: { unit: 's', factor: 1 },
  sec: { unit: 's', factor: 1 },
  min: { unit: 'min', factor: 1 },
  mbq: { unit: 'MBq', factor: 1 },
  bq: { unit: 'Bq', factor: 1 },
  kg: { unit: 'kg', factor: 1 },
  t: { unit: 'T', factor: 1 },
  kv: { unit: 'kV', factor: 1 },
  ma: { unit: 'mA', factor: 1 },
  deg: { unit: 'deg', factor: 1 },
};

/**
 * A number from a DICOM value, in the rule's unit: "5", "5.0", "5,0", "5 mm", "0.5cm" all
 * give 5 for unit mm. A text, a second value or another unit is not parsed (QC-12).
 */
export function parseNumber(raw: string, unit: Unit): ParsedNumber {
  const s = raw.trim();
  if (s === '') return { ok: false, reason: 'the value is empty' };
  if (s.includes('\\')) return { ok: false, reason: `"${clip(s)}" has more than one value` };
  const m = /^([+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?)\s*([A-Za-z]*)$/.exec(s);
  if (!m) return { ok: false, reason: `"${clip(s)}" is not a number` };
  const n = Number(m[1]!.replace(',', '.'));
  if (!Number.isFinite(n)) return { ok: false, reason: `"${clip(s)}" is not a finite number` };
  const word = m[2]!.toLowerCase();
  if (word === '') return { ok: true, value: n };
  const u = UNIT_WORDS[word];
  if (!u || u.unit !== unit)
    return { ok: false, reason: `"${clip(s)}" is in ${m[2]}, the rule expects ${unit}` };
  return { ok: true, value: n * u.factor };
}

const clip = (s: string): string => (s.length > 40 ? `${s.slice(0, 40)}…` : s);

export interface NormalisationRow {
  table: TableName;
  /** The attribute whose values go through this table. */
  attribute: string;
  /** The vendor value (folded key) and the value rules see. */
  from: string;
  to: string;
  /** shipped; study (added by the protocol); study, overriding the shipped value `was`. */
  origin: 'shipped' | 'study';
  was?: string;
}

/** The table a study applies, row by row: the shipped entries and the protocol's own (QC-55). */
export function normalisationRows(extra: SynonymTables = {}): NormalisationRow[] {
  const attributeOf = new Map(Object.entries(TABLE_OF).map(([k, t]) => [t, k]));
  const out: NormalisationRow[] = [];
  for (const table of Object.keys(SHIPPED) as TableName[]) {
    const rows = new Map<string, NormalisationRow>();
    const attribute = attributeOf.get(table) ?? '';
    for (const [k, v] of Object.entries(SHIPPED[table]))
      rows.set(foldKey(k), { table, attribute, from: foldKey(k), to: v, origin: 'shipped' });
    for (const [k, v] of Object.entries(extra[table] ?? {})) {
      const before = rows.get(foldKey(k));
      rows.set(foldKey(k), {
        table,
        attribute,
        from: foldKey(k),
        to: v,
        origin: 'study',
        ...(before && before.to !== v ? { was: before.to } : {}),
      });
    }
    out.push(...[...rows.values()].sort((a, b) => a.from.localeCompare(b.from)));
  }
  return out;
}
