// Indexing results as they cross from a worker to the page. The files of a series share
// most of their values, and structured cloning cost grows with every string and object
// posted, so one message carries each series' values once (its first file in the message)
// and every other file only what differs from that file. The page rebuilds each file's
// fields exactly; a file's attribute list is rebuilt only when asked for, because the index
// keeps one list per series and drops the rest.
import { expandAttributes } from './extract';
import type { FlatOutcome } from './index-file';
import type { IndexedAttribute, IndexOutcome, InstanceFields } from './record';

type Fields = Omit<InstanceFields, 'attributes'>;
type FieldValue = Fields[keyof Fields];

/** Every field, in the order extraction writes them. */
export const FIELD_KEYS = [
  'patientId',
  'patientName',
  'patientBirthDate',
  'patientSex',
  'studyInstanceUid',
  'studyDate',
  'studyTime',
  'studyDescription',
  'accessionNumber',
  'seriesInstanceUid',
  'seriesNumber',
  'seriesDescription',
  'seriesDate',
  'modality',
  'sopInstanceUid',
  'sopClassUid',
  'instanceNumber',
  'transferSyntaxUid',
  'specificCharacterSet',
  'bodyPartExamined',
  'protocolName',
  'manufacturer',
  'manufacturerModelName',
  'institutionName',
  'stationName',
  'deviceSerialNumber',
  'sliceThickness',
  'rows',
  'columns',
  'numberOfFrames',
  'geometry',
  'acquisitionTime',
  'pixel',
  'photometricInterpretation',
  'frameOfReferenceUid',
  'burnedInAnnotation',
  'clinicalTrialSubjectId',
  'clinicalTrialSiteId',
  'clinicalTrialTimePointId',
  'pixelDataOffset',
] as const satisfies readonly (keyof Fields)[];

// A field added to InstanceFields but not listed above fails to compile here.
type Unlisted = Exclude<keyof Fields, (typeof FIELD_KEYS)[number]>;
const everyFieldListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyFieldListed;

/** A file whose values are all here (the first of its series in the message). */
export interface WireBase {
  bytesRead: number;
  /** Values in FIELD_KEYS order. */
  values: FieldValue[];
  /** Attribute list, flat: [tag, keyword, vr, value, ...]. */
  attributes: string[];
}

/** A file told as differences from a base earlier in the same message. */
export interface WireDelta {
  bytesRead: number;
  /** Index of the base in the message. */
  base: number;
  /** [field index, value, ...] for fields that differ from the base. */
  values: (number | FieldValue)[];
  /**
   * When the attribute list has the base's tags, keywords and VRs in the same order:
   * [attribute index, value, ...] for values that differ. Otherwise the whole flat list.
   */
  attributes: (number | string)[];
  sameShape: boolean;
}

export type WireItem =
  | { kind: 'base'; base: WireBase }
  | { kind: 'delta'; delta: WireDelta }
  | { kind: 'other'; outcome: Exclude<IndexOutcome, { kind: 'instance' }> };

/** One worker message: a batch of files, in the order they were asked for. */
export interface WireBatch {
  items: WireItem[];
}

export function encodeBatch(outcomes: readonly FlatOutcome[]): WireBatch {
  const baseOf = new Map<string, number>();
  const items: WireItem[] = [];
  outcomes.forEach((o, i) => {
    if (o.kind !== 'instance') {
      items.push({ kind: 'other', outcome: o });
      return;
    }
    const { fields, attributes } = o.instance;
    const values = FIELD_KEYS.map((k) => fields[k]);
    const b = baseOf.get(fields.seriesInstanceUid);
    const base = b === undefined ? undefined : items[b];
    if (base?.kind !== 'base') {
      baseOf.set(fields.seriesInstanceUid, i);
      items.push({ kind: 'base', base: { bytesRead: o.bytesRead, values, attributes } });
      return;
    }
    const ref = base.base;
    const changed: (number | FieldValue)[] = [];
    values.forEach((v, k) => {
      if (!sameValue(v, ref.values[k]!)) changed.push(k, v);
    });
    const shape = sameShape(attributes, ref.attributes);
    let attrs: (number | string)[] = attributes;
    if (shape) {
      attrs = [];
      for (let a = 3; a < attributes.length; a += 4) {
        if (attributes[a] !== ref.attributes[a]) attrs.push(a >> 2, attributes[a]!);
      }
    }
    items.push({
      kind: 'delta',
      delta: {
        bytesRead: o.bytesRead,
        base: b!,
        values: changed,
        attributes: attrs,
        sameShape: shape,
      },
    });
  });
  return { items };
}

/** The outcomes a batch stands for, in order. */
export function decodeBatch(batch: WireBatch): IndexOutcome[] {
  return batch.items.map((item): IndexOutcome => {
    if (item.kind === 'other') return item.outcome;
    if (item.kind === 'base') {
      const { values, attributes } = item.base;
      return {
        kind: 'instance',
        fields: wireFields(values, () => expandAttributes(attributes)),
        bytesRead: item.base.bytesRead,
      };
    }
    const d = item.delta;
    const ref = batch.items[d.base];
    if (ref?.kind !== 'base') throw new Error(`wire: item ${d.base} is not a base`);
    const values = ref.base.values.slice();
    for (let p = 0; p < d.values.length; p += 2) {
      values[d.values[p] as number] = d.values[p + 1] as FieldValue;
    }
    // A geometry array equal to the base's is the base's array: each row gets its own.
    const g = FIELD_KEYS.indexOf('geometry');
    if (values[g] === ref.base.values[g] && Array.isArray(values[g])) values[g] = values[g].slice();
    const attributes = () => {
      if (!d.sameShape) return expandAttributes(d.attributes as string[]);
      const flat = ref.base.attributes.slice();
      for (let p = 0; p < d.attributes.length; p += 2) {
        flat[(d.attributes[p] as number) * 4 + 3] = d.attributes[p + 1] as string;
      }
      return expandAttributes(flat);
    };
    return { kind: 'instance', fields: wireFields(values, attributes), bytesRead: d.bytesRead };
  });
}

/**
 * Fields whose attribute list is built on first read. The getter sits on the prototype, so
 * copying the fields with spread leaves the list unbuilt (and out of the copy).
 */
class WireFields {
  #build: (() => IndexedAttribute[]) | null;
  #attributes: IndexedAttribute[] | null = null;

  constructor(values: readonly FieldValue[], build: () => IndexedAttribute[]) {
    const self = this as unknown as Record<string, FieldValue>;
    FIELD_KEYS.forEach((k, i) => (self[k] = values[i]!));
    this.#build = build;
  }

  get attributes(): IndexedAttribute[] {
    if (!this.#attributes) {
      this.#attributes = this.#build!();
      this.#build = null;
    }
    return this.#attributes;
  }
}

function wireFields(
  values: readonly FieldValue[],
  build: () => IndexedAttribute[],
): InstanceFields {
  return new WireFields(values, build) as unknown as InstanceFields;
}

function sameValue(a: FieldValue, b: FieldValue): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
    return true;
  }
  return Object.is(a, b);
}

/** Same tags, keywords and VRs in the same order. */
function sameShape(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 4) {
    if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2]) return false;
  }
  return true;
}
