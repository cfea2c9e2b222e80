// A submitted read as a DICOM Comprehensive 3D SR, TID 1500 Imaging Measurement Report
// (RECIST-27), in dcmjs's "naturalized" shape (keywords as keys, sequences as arrays), so
// the encoding itself is left to an adapter (src/adapters/sr) and this stays pure. One
// TID 1501 measurement group per lesion, laid out as Cornerstone3D's SR adapter writes it
// (tracking identifier `Cornerstone3DTools@^0.1.0:<tool>`, finding = the lesion ID) so
// OHIF hydrates the measurements; the lesion ID, role and status ride as qualitative
// evaluations. Each group also carries the lesion's label as a (121106, DCM, "Comment")
// TEXT item: @cornerstonejs/adapters' SR adapter (what OHIF 3 hydrates with) takes the
// annotation's label from it, so the caliper shows "T1 liver"; the older copy inside dcmjs,
// which our tests run, ignores it. `lesionsFromSr` reads such a dataset back.
import { uidFrom } from '../dicom/uid';
import type { Signature } from './model';
import type { TimepointAssessment } from './recist';
import type { BaselineLesion, BaselineRead, MeasurementInput, Read, TargetFollowUp } from './types';

export const COMPREHENSIVE_3D_SR = '1.2.840.10008.5.1.4.1.1.88.34';
const CT_IMAGE = '1.2.840.10008.5.1.4.1.1.2';
const SCHEME = '99TRIALBENCH';

/** Where an image lives: what the SR's references and evidence need besides its UID. */
export interface ImageRef {
  sopClassUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
}

export interface SrInput {
  readId: string;
  read: Read;
  signature: Signature;
  /** The subject's baseline (for a follow-up: the lesions' organ, location, nodal flag). */
  baseline: BaselineRead;
  assessment: TimepointAssessment | null;
  /** The image a measurement was made on, or null when the index does not know it. */
  image: (sopInstanceUid: string) => ImageRef | null;
}

type Item = { [key: string]: unknown };
type Code = { CodeValue: string; CodingSchemeDesignator: string; CodeMeaning: string };

const code = (CodeValue: string, CodingSchemeDesignator: string, CodeMeaning: string): Code => ({
  CodeValue,
  CodingSchemeDesignator,
  CodeMeaning,
});
const C = {
  report: code('126000', 'DCM', 'Imaging Measurement Report'),
  language: code('121049', 'DCM', 'Language of Content Item and Descendants'),
  english: code('en-US', 'RFC5646', 'English (United States)'),
  observer: code('121008', 'DCM', 'Person Observer Name'),
  procedure: code('121058', 'DCM', 'Procedure reported'),
  imaging: code('363679005', 'SCT', 'Imaging procedure'),
  library: code('111028', 'DCM', 'Image Library'),
  libraryGroup: code('126200', 'DCM', 'Image Library Group'),
  measurements: code('126010', 'DCM', 'Imaging Measurements'),
  group: code('125007', 'DCM', 'Measurement Group'),
  trackingId: code('112039', 'DCM', 'Tracking Identifier'),
  trackingUid: code('112040', 'DCM', 'Tracking Unique Identifier'),
  finding: code('121071', 'DCM', 'Finding'),
  comment: code('121106', 'DCM', 'Comment'),
  findingSite: code('363698007', 'SCT', 'Finding Site'),
  longAxis: code('103339001', 'SCT', 'Long Axis'),
  shortAxis: code('103340004', 'SCT', 'Short Axis'),
  mm: code('mm', 'UCUM', 'millimeter'),
  timePoint: code('C2348792', 'UMLS', 'Time Point'),
  qualitative: code('C0034375', 'UMLS', 'Qualitative Evaluations'),
  lesionId: code('LESION-ID', SCHEME, 'Lesion identifier'),
  role: code('LESION-ROLE', SCHEME, 'RECIST lesion role'),
  status: code('LESION-STATUS', SCHEME, 'RECIST lesion status'),
  nodal: code('LESION-NODAL', SCHEME, 'Lymph node'),
  criteria: code('CRITERIA', SCHEME, 'Response criteria'),
  response: code('RESPONSE', SCHEME, 'Overall timepoint response'),
  sum: code('SUM', SCHEME, 'Sum of diameters'),
};

const text = (concept: Code, value: string, rel = 'CONTAINS'): Item => ({
  RelationshipType: rel,
  ValueType: 'TEXT',
  ConceptNameCodeSequence: [concept],
  TextValue: value,
});

function mmValue(um: number): number {
  return Math.round(um) / 1000;
}

function num(concept: Code, valueMm: number, scoord: Item[] = []): Item {
  return {
    RelationshipType: 'CONTAINS',
    ValueType: 'NUM',
    ConceptNameCodeSequence: [concept],
    MeasuredValueSequence: [{ MeasurementUnitsCodeSequence: [C.mm], NumericValue: valueMm }],
    ...(scoord.length ? { ContentSequence: scoord } : {}),
  };
}

function imageRef(m: MeasurementInput, ref: ImageRef | null): Item {
  return {
    ReferencedSOPClassUID: ref?.sopClassUid ?? CT_IMAGE,
    ReferencedSOPInstanceUID: m.sopInstanceUid,
    ...(m.frame > 0 ? { ReferencedFrameNumber: m.frame + 1 } : {}),
  };
}

function polyline(m: MeasurementInput, from: number, ref: ImageRef | null): Item[] {
  const pts = m.points.slice(from, from + 2);
  // Typed by hand (no caliper points): the value is inferred from the image itself (TID 320).
  if (pts.length < 2)
    return [
      {
        RelationshipType: 'INFERRED FROM',
        ValueType: 'IMAGE',
        ReferencedSOPSequence: [imageRef(m, ref)],
      },
    ];
  return [
    {
      RelationshipType: 'INFERRED FROM',
      ValueType: 'SCOORD',
      GraphicType: 'POLYLINE',
      GraphicData: pts.flatMap((p) => [p.x, p.y]),
      ContentSequence: [
        {
          RelationshipType: 'SELECTED FROM',
          ValueType: 'IMAGE',
          ReferencedSOPSequence: [imageRef(m, ref)],
        },
      ],
    },
  ];
}

function axes(m: MeasurementInput, ref: ImageRef | null): Item[] {
  const out = [num(C.longAxis, m.longMm, polyline(m, 0, ref))];
  if (m.shortMm !== undefined) out.push(num(C.shortAxis, m.shortMm, polyline(m, 2, ref)));
  return out;
}

/** The lesion's label as a reader reads it: its ID, organ and location ("T1 liver, segment VII"). */
export function lesionLabel(lesion: BaselineLesion): string {
  const organ = lesion.organ || (lesion.nodal ? 'lymph node' : '');
  const location = lesion.location && lesion.location !== organ ? `, ${lesion.location}` : '';
  return `${lesion.id}${organ ? ` ${organ}` : ''}${location}`;
}

function statusOf(f: TargetFollowUp | undefined, baseline: boolean): string {
  if (baseline) return 'baseline';
  return f ? (f.status === 'merged' ? `merged:${f.into}` : f.status) : 'listed';
}

/**
 * Cornerstone3D's tracking identifier only where its SR adapter (what OHIF hydrates with) can
 * rebuild the tool from caliper points: it reads the first NUM's SCOORD (Length) or the long
 * and short axis SCOORDs (Bidirectional) and throws, failing the whole report, when they are
 * missing. A lesion without caliper points (a non-target, a value typed by hand, too small,
 * absent) gets our own identifier, which the adapter skips and lesionsFromSr still reads.
 */
function trackingIdentifier(measurements: MeasurementInput[]): string {
  const m = measurements[0];
  if (m && m.shortMm !== undefined && m.points.length >= 4)
    return 'Cornerstone3DTools@^0.1.0:Bidirectional';
  if (m && m.points.length >= 2) return 'Cornerstone3DTools@^0.1.0:Length';
  return 'Trialbench:lesion';
}

function group(
  input: SrInput,
  lesion: BaselineLesion,
  measurements: MeasurementInput[],
  status: string,
): Item {
  const items: Item[] = [
    text(C.trackingId, trackingIdentifier(measurements), 'HAS OBS CONTEXT'),
    {
      RelationshipType: 'HAS OBS CONTEXT',
      ValueType: 'UIDREF',
      ConceptNameCodeSequence: [C.trackingUid],
      // The same lesion of the same reader and subject keeps its tracking UID across reads.
      UID: uidFrom('trialbench-lesion', input.read.subject, input.signature.author, lesion.id),
    },
    {
      RelationshipType: 'CONTAINS',
      ValueType: 'CODE',
      ConceptNameCodeSequence: [C.finding],
      // Cornerstone's own free-text code value (CORNERSTONEFREETEXT) is over the 16
      // characters SH allows (dciodvfy refuses it): the lesion ID is the code instead, and
      // the adapter shows its meaning ("Lesion T1") as the measurement's description.
      ConceptCodeSequence: [code(lesion.id, SCHEME, `Lesion ${lesion.id}`)],
    },
    {
      RelationshipType: 'CONTAINS',
      ValueType: 'CODE',
      ConceptNameCodeSequence: [C.findingSite],
      ConceptCodeSequence: [
        code(
          lesion.nodal
            ? 'lymph-node'
            : lesion.organ
                .toLowerCase()
                .replace(/[^a-z0-9]+/g, '-')
                .slice(0, 16) || 'unknown',
          SCHEME,
          lesion.organ || 'lymph node',
        ),
      ],
    },
    text(C.comment, lesionLabel(lesion)),
    text(C.lesionId, lesion.id),
    text(C.role, lesion.kind),
    text(C.nodal, lesion.nodal ? 'yes' : 'no'),
    text(C.status, status),
  ];
  if (lesion.location) items.push(text(code('LOCATION', SCHEME, 'Location'), lesion.location));
  for (const m of measurements) items.push(...axes(m, input.image(m.sopInstanceUid)));
  return {
    RelationshipType: 'CONTAINS',
    ValueType: 'CONTAINER',
    ConceptNameCodeSequence: [C.group],
    ContinuityOfContent: 'SEPARATE',
    ContentTemplateSequence: [{ MappingResource: 'DCMR', TemplateIdentifier: '1501' }],
    ContentSequence: items,
  };
}

function dicomDateTime(iso: string): { date: string; time: string } {
  const d = iso.replace(/[-:]/g, '');
  return { date: d.slice(0, 8), time: d.slice(9, 15) };
}

/** The measurements of each lesion in this read (none for lesions not measured here). */
export function lesionMeasurements(
  read: Read,
  baseline: BaselineRead,
): Map<string, MeasurementInput[]> {
  const out = new Map<string, MeasurementInput[]>();
  if (read.kind === 'baseline') {
    for (const l of read.lesions) out.set(l.id, l.measurement ? [l.measurement] : []);
    return out;
  }
  for (const l of baseline.lesions) out.set(l.id, []);
  for (const t of read.targets) {
    if (t.status === 'measured') out.set(t.id, [t.measurement]);
    if (t.status === 'split') out.set(t.id, t.parts);
  }
  return out;
}

/** The SR dataset (naturalized) for a submitted read. Deterministic: same read, same bytes. */
export function measurementReport(input: SrInput): { [key: string]: unknown } {
  const { read, baseline, signature } = input;
  const byId = new Map(read.kind === 'follow-up' ? read.targets.map((t) => [t.id, t]) : []);
  const ntById = new Map(
    read.kind === 'follow-up' ? read.nonTargets.map((n) => [n.id, n.status]) : [],
  );
  const lesions = read.kind === 'baseline' ? read.lesions : baseline.lesions;
  const measured = lesionMeasurements(read, baseline);
  const groups = lesions.map((l) =>
    group(
      input,
      l,
      measured.get(l.id) ?? [],
      l.kind === 'non-target' && read.kind === 'follow-up'
        ? `non-target:${ntById.get(l.id) ?? 'NE'}`
        : statusOf(byId.get(l.id), read.kind === 'baseline'),
    ),
  );
  const refs = new Map<string, { m: MeasurementInput; ref: ImageRef | null }>();
  for (const list of measured.values())
    for (const m of list) refs.set(m.sopInstanceUid, { m, ref: input.image(m.sopInstanceUid) });
  const first = [...refs.values()].find((r) => r.ref)?.ref ?? null;
  const studyUid = first?.studyInstanceUid ?? uidFrom('trialbench-sr-study', input.readId);
  const qualitative: Item[] = [
    text(C.criteria, `${read.criteria} ${read.criteriaVersion}`),
    text(code('PROTOCOL', SCHEME, 'Protocol version'), read.protocolVersion),
    text(code('BLINDING', SCHEME, 'Blinding'), read.blinding),
    text(code('MEANING', SCHEME, 'Signature meaning'), signature.meaning),
    text(code('READ-ENTRY', SCHEME, 'Ledger entry'), input.readId),
  ];
  const a = input.assessment;
  if (read.kind === 'baseline') {
    let sum = 0;
    for (const l of read.lesions)
      if (l.kind === 'target' && l.measurement)
        sum += Math.round((l.nodal ? (l.measurement.shortMm ?? 0) : l.measurement.longMm) * 1000);
    qualitative.push(num(C.sum, mmValue(sum)));
  } else if (a) {
    qualitative.push(
      num(C.sum, mmValue(a.sumUm)),
      text(code('TARGET', SCHEME, 'Target response'), a.target),
      text(code('NON-TARGET', SCHEME, 'Non-target response'), a.nonTarget),
      text(code('NEW-LESIONS', SCHEME, 'New lesions'), a.newLesions),
      text(C.response, a.overall),
    );
    for (const n of read.newLesions)
      qualitative.push(
        text(code('NEW-LESION', SCHEME, 'New lesion'), `${n.id}|${n.status}|${n.location}`),
      );
  }
  const { date, time } = dicomDateTime(signature.at);
  return {
    SOPClassUID: COMPREHENSIVE_3D_SR,
    SOPInstanceUID: uidFrom('trialbench-sr', input.readId),
    Modality: 'SR',
    SpecificCharacterSet: 'ISO_IR 192',
    PatientName: read.subject,
    PatientID: read.subject,
    PatientBirthDate: '',
    PatientSex: '',
    StudyInstanceUID: studyUid,
    StudyDate: '',
    StudyTime: '',
    ReferringPhysicianName: '',
    StudyID: '',
    AccessionNumber: '',
    SeriesInstanceUID: uidFrom('trialbench-sr-series', read.subject, signature.author),
    SeriesNumber: 9001,
    SeriesDescription: `RECIST 1.1 ${read.kind} read`,
    InstanceNumber: 1,
    Manufacturer: 'Trialbench',
    ContentDate: date,
    ContentTime: time,
    ValueType: 'CONTAINER',
    ConceptNameCodeSequence: [C.report],
    ContinuityOfContent: 'SEPARATE',
    ContentTemplateSequence: [{ MappingResource: 'DCMR', TemplateIdentifier: '1500' }],
    ReferencedPerformedProcedureStepSequence: [],
    PerformedProcedureCodeSequence: [],
    CompletionFlag: 'COMPLETE',
    VerificationFlag: 'UNVERIFIED',
    CurrentRequestedProcedureEvidenceSequence: evidence(refs, studyUid),
    ContentSequence: [
      {
        RelationshipType: 'HAS CONCEPT MOD',
        ValueType: 'CODE',
        ConceptNameCodeSequence: [C.language],
        ConceptCodeSequence: [C.english],
      },
      {
        RelationshipType: 'HAS OBS CONTEXT',
        ValueType: 'PNAME',
        ConceptNameCodeSequence: [C.observer],
        PersonName: signature.name.replace(/[\\^=]/g, ' ').slice(0, 60),
      },
      text(C.timePoint, read.timepoint, 'HAS OBS CONTEXT'),
      {
        RelationshipType: 'HAS CONCEPT MOD',
        ValueType: 'CODE',
        ConceptNameCodeSequence: [C.procedure],
        ConceptCodeSequence: [C.imaging],
      },
      {
        RelationshipType: 'CONTAINS',
        ValueType: 'CONTAINER',
        ConceptNameCodeSequence: [C.library],
        ContinuityOfContent: 'SEPARATE',
        ContentSequence: [
          {
            RelationshipType: 'CONTAINS',
            ValueType: 'CONTAINER',
            ConceptNameCodeSequence: [C.libraryGroup],
            ContinuityOfContent: 'SEPARATE',
            ContentSequence: [...refs.values()].map(({ m, ref }) => ({
              RelationshipType: 'CONTAINS',
              ValueType: 'IMAGE',
              ReferencedSOPSequence: [imageRef(m, ref)],
            })),
          },
        ],
      },
      {
        RelationshipType: 'CONTAINS',
        ValueType: 'CONTAINER',
        ConceptNameCodeSequence: [C.measurements],
        ContinuityOfContent: 'SEPARATE',
        ContentSequence: groups,
      },
      {
        RelationshipType: 'CONTAINS',
        ValueType: 'CONTAINER',
        ConceptNameCodeSequence: [C.qualitative],
        ContinuityOfContent: 'SEPARATE',
        ContentSequence: qualitative,
      },
    ],
  };
}

function evidence(
  refs: Map<string, { m: MeasurementInput; ref: ImageRef | null }>,
  studyUid: string,
): Item[] {
  const bySeries = new Map<string, Item[]>();
  for (const { m, ref } of refs.values()) {
    const series =
      ref?.seriesInstanceUid ??
      m.seriesInstanceUid ??
      uidFrom('trialbench-unknown-series', studyUid);
    bySeries.set(series, [
      ...(bySeries.get(series) ?? []),
      {
        ReferencedSOPClassUID: ref?.sopClassUid ?? CT_IMAGE,
        ReferencedSOPInstanceUID: m.sopInstanceUid,
      },
    ]);
  }
  if (!bySeries.size) return [];
  return [
    {
      StudyInstanceUID: studyUid,
      ReferencedSeriesSequence: [...bySeries].map(([SeriesInstanceUID, ReferencedSOPSequence]) => ({
        SeriesInstanceUID,
        ReferencedSOPSequence,
      })),
    },
  ];
}

// ---- reading back (from a naturalized dataset, whoever parsed it) ----

export interface SrLesion {
  id: string;
  /** The group's (121106, DCM, "Comment") text, or null when it has none. */
  label: string | null;
  role: string;
  nodal: boolean;
  status: string;
  measurements: {
    longMm: number;
    shortMm: number | null;
    sopInstanceUid: string | null;
    points: number[];
  }[];
}

export interface SrSummary {
  subject: string;
  timepoint: string;
  criteria: string | null;
  observer: string | null;
  overall: string | null;
  sumMm: number | null;
  lesions: SrLesion[];
}

type Nat = { [key: string]: unknown };
const seqOf = (v: unknown): Nat[] =>
  Array.isArray(v) ? (v as Nat[]) : v && typeof v === 'object' ? [v as Nat] : [];
const conceptOf = (i: Nat) => seqOf(i.ConceptNameCodeSequence)[0]?.CodeValue;
const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);
function str(v: unknown): string {
  const x = first(v);
  if (x && typeof x === 'object' && 'Alphabetic' in x)
    return String((x as { Alphabetic: unknown }).Alphabetic);
  return x === undefined || x === null ? '' : String(x);
}
const numberOf = (i: Nat): number => Number(first(seqOf(i.MeasuredValueSequence)[0]?.NumericValue));

/** Lesions, values and the response out of a TID 1500 report written by measurementReport. */
export function lesionsFromSr(ds: Nat): SrSummary {
  const root = seqOf(ds.ContentSequence);
  const find = (items: Nat[], cv: string) => items.find((i) => conceptOf(i) === cv);
  const groups = seqOf(find(root, '126010')?.ContentSequence).filter(
    (g) => conceptOf(g) === '125007',
  );
  const qual = seqOf(find(root, 'C0034375')?.ContentSequence);
  const lesions = groups.map((g): SrLesion => {
    const items = seqOf(g.ContentSequence);
    const t = (cv: string) => str(find(items, cv)?.TextValue);
    const measurements: SrLesion['measurements'] = [];
    for (const i of items) {
      const cv = conceptOf(i);
      const sc = seqOf(i.ContentSequence).find((c) => c.ValueType === 'SCOORD');
      const img =
        seqOf(sc?.ContentSequence).find((c) => c.ValueType === 'IMAGE') ??
        seqOf(i.ContentSequence).find((c) => c.ValueType === 'IMAGE');
      const sop = seqOf(img?.ReferencedSOPSequence)[0]?.ReferencedSOPInstanceUID;
      const pts = Array.isArray(sc?.GraphicData) ? (sc.GraphicData as number[]).map(Number) : [];
      if (cv === '103339001')
        measurements.push({
          longMm: numberOf(i),
          shortMm: null,
          sopInstanceUid: sop ? str(sop) : null,
          points: pts,
        });
      if (cv === '103340004') {
        const last = measurements[measurements.length - 1];
        if (last) {
          last.shortMm = numberOf(i);
          last.points.push(...pts);
        }
      }
    }
    return {
      id: t('LESION-ID'),
      label: find(items, '121106') ? t('121106') : null,
      role: t('LESION-ROLE'),
      nodal: t('LESION-NODAL') === 'yes',
      status: t('LESION-STATUS'),
      measurements,
    };
  });
  const sum = find(qual, 'SUM');
  return {
    subject: str(ds.PatientID),
    timepoint: str(find(root, 'C2348792')?.TextValue),
    criteria: str(find(qual, 'CRITERIA')?.TextValue) || null,
    observer: str(find(root, '121008')?.PersonName) || null,
    overall: str(find(qual, 'RESPONSE')?.TextValue) || null,
    sumMm: sum ? numberOf(sum) : null,
    lesions,
  };
}
