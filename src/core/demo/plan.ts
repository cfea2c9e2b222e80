// The shape of the demo archive, decided before any byte is written: sites, subjects,
// visits, studies, series, deviations and broken files. The summary counts come from this
// same plan, so tests assert against it instead of hard-coding numbers.
import { uidFrom } from '../dicom/uid';
import type { ProblemCode } from '../index/record';
import { rng } from './random';
import { identityFor, pad2, siteAt, type Identity, type Site } from './sites';

export interface DemoFile {
  /** Relative path with '/' separators, e.g. "site-101/SUBJ-0001/2024-03-05_baseline/CT_3_CAP_contrast/IM00001.dcm". */
  path: string;
  bytes: Uint8Array;
}

export interface DemoParams {
  seed: number;
  sites: number;
  subjectsPerSite: number;
  /** Visits per subject: baseline, then followup-1, followup-2, ... */
  visits: number;
  /** First baseline date, YYYY-MM-DD (time is passed in, never read from the clock). */
  startDate: string;
  /** Weeks between visits. */
  visitWeeks: number;
  rows: number;
  columns: number;
  ctSlices: number;
  mrSlices: number;
  petSlices: number;
  /** Plant the protocol deviations (thick slices, no contrast, missing slice). */
  deviations: boolean;
  /** Plant the truncated file and the non-DICOM files. */
  brokenFiles: boolean;
}

export const DEFAULT_PARAMS: DemoParams = {
  seed: 1,
  sites: 3,
  subjectsPerSite: 4,
  visits: 2,
  startDate: '2024-03-05',
  visitWeeks: 8,
  rows: 64,
  columns: 64,
  ctSlices: 24,
  mrSlices: 12,
  petSlices: 16,
  deviations: true,
  brokenFiles: true,
};

export type SeriesKind = 'ct-cap' | 'mr-t1c' | 'mr-flair' | 'pet' | 'pet-ct';
export type DeviationKind = 'thick-slices' | 'no-contrast' | 'missing-slice';

export interface SeriesPlan {
  kind: SeriesKind;
  number: number;
  folder: string;
  uid: string;
  frameOfReferenceUid: string;
  slices: number;
  thickness: number;
  contrast: boolean;
  /** InstanceNumber left out (a gap in the series), or null. */
  missing: number | null;
  /** InstanceNumber written truncated, or null. */
  truncated: number | null;
  /** Acquisition start, HHMMSS. */
  time: string;
}

export interface StudyPlan {
  modality: 'CT' | 'MR' | 'PT';
  uid: string;
  accession: string;
  studyId: string;
  time: string;
  series: SeriesPlan[];
}

export interface VisitPlan {
  label: string;
  /** YYYYMMDD */
  date: string;
  folder: string;
  /** Tumour size relative to baseline, for phantoms that respond to treatment. */
  lesion: number;
  studies: StudyPlan[];
}

export interface SubjectPlan {
  id: string;
  site: Site;
  identity: Identity;
  referring: string;
  operator: string;
  visits: VisitPlan[];
}

export interface DemoPlan {
  params: DemoParams;
  subjects: SubjectPlan[];
  deviations: Array<{ kind: DeviationKind; path: string; seriesInstanceUid: string }>;
  /** Files that are not valid instances, and what a parser should say about each. */
  broken: Array<{ path: string; expect: ProblemCode }>;
}

export function demoPlan(input: Partial<DemoParams> = {}): DemoPlan {
  const p: DemoParams = { ...DEFAULT_PARAMS, ...input };
  const subjects: SubjectPlan[] = [];
  const total = p.sites * p.subjectsPerSite;
  // Deviations land on fixed subjects (clamped for tiny archives) so tests can find them.
  const at = (n: number): number => Math.min(n, total - 1);
  const thick = { subject: at(5), visit: p.visits - 1 };
  const plain = { subject: at(8), visit: 0 };
  const gap = { subject: at(1), visit: p.visits - 1 };
  const start = Date.parse(`${p.startDate}T00:00:00Z`);
  if (Number.isNaN(start)) throw new Error(`startDate must be YYYY-MM-DD, got ${p.startDate}`);

  for (let s = 0; s < total; s++) {
    const site = siteAt(Math.floor(s / p.subjectsPerSite));
    const r = rng(p.seed, 'subject', s);
    const id = `SUBJ-${String(s + 1).padStart(4, '0')}`;
    const visits: VisitPlan[] = [];
    for (let v = 0; v < p.visits; v++) {
      const day = start + ((s * 9 + v * p.visitWeeks * 7) * 86400000 + r.int(0, 2) * 86400000);
      const d = new Date(day);
      const date = `${d.getUTCFullYear()}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}`;
      const label = v === 0 ? 'baseline' : `followup-${v}`;
      const key = (...k: Array<string | number>): string => uidFrom(p.seed, id, v, ...k);
      const series = (
        kind: SeriesKind,
        n: number,
        slices: number,
        thickness: number,
        contrast: boolean,
        time: string,
        frame: string,
      ): SeriesPlan => ({
        kind,
        number: n,
        folder: '',
        uid: key('series', kind),
        frameOfReferenceUid: frame,
        slices,
        thickness,
        contrast,
        missing: null,
        truncated: null,
        time,
      });
      const ctFrame = key('frame', 'ct');
      const isThick = p.deviations && s === thick.subject && v === thick.visit;
      const isPlain = p.deviations && s === plain.subject && v === plain.visit;
      const ct = series(
        'ct-cap',
        3,
        p.ctSlices,
        isThick ? 7.5 : 5,
        !isPlain,
        `09${pad2(r.int(10, 40))}12`,
        ctFrame,
      );
      if (p.deviations && s === gap.subject && v === gap.visit && ct.slices > 2) {
        ct.missing = Math.ceil(ct.slices / 2);
      }
      const mrFrame = key('frame', 'mr');
      const mrTime = `10${pad2(r.int(10, 40))}05`;
      const flair = series('mr-flair', 4, p.mrSlices, 5, false, mrTime, mrFrame);
      const t1c = series('mr-t1c', 7, p.mrSlices, 5, true, `10${pad2(r.int(45, 59))}30`, mrFrame);
      if (p.brokenFiles && s === Math.min(p.subjectsPerSite, total - 1) && v === 0) {
        flair.truncated = Math.min(3, flair.slices);
      }
      const petFrame = key('frame', 'pet');
      const petTime = `13${pad2(r.int(5, 30))}00`;
      const petCt = series('pet-ct', 2, p.petSlices, 5, false, petTime, petFrame);
      const pet = series('pet', 3, p.petSlices, 5, false, petTime, petFrame);
      const study = (
        modality: StudyPlan['modality'],
        list: SeriesPlan[],
        time: string,
      ): StudyPlan => ({
        modality,
        uid: key('study', modality),
        accession: `A${site.id.slice(5)}${r.digits(7)}`,
        studyId: String(r.int(1000, 9999)),
        time,
        series: list,
      });
      const studies = [
        study('CT', [ct], ct.time),
        study('MR', [flair, t1c], mrTime),
        study('PT', [petCt, pet], petTime),
      ];
      for (const st of studies) for (const se of st.series) se.folder = seriesFolder(se);
      visits.push({
        label,
        date,
        folder: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6)}_${label}`,
        lesion: Math.max(0.35, 1 - 0.3 * v),
        studies,
      });
    }
    subjects.push({
      id,
      site,
      identity: identityFor(site, s % p.subjectsPerSite, r),
      referring: r.pick(site.physicians),
      operator: r.pick(['TECH^ALEX', 'RAD^SAM', 'SCAN^JORDAN', 'OPERATOR^CASEY']),
      visits,
    });
  }
  return { params: p, subjects, ...plantedFindings(p, subjects) };
}

function seriesFolder(s: SeriesPlan): string {
  const what: Record<SeriesKind, string> = {
    'ct-cap': s.contrast ? 'CT_3_CAP_contrast' : 'CT_3_CAP_noncontrast',
    'mr-flair': 'MR_4_AX_FLAIR',
    'mr-t1c': 'MR_7_AX_T1_post',
    'pet-ct': 'CT_2_PETCT_AC',
    pet: 'PT_3_PET_WB_AC',
  };
  return what[s.kind];
}

export const seriesPath = (subject: SubjectPlan, visit: VisitPlan, s: SeriesPlan): string =>
  `${subject.site.id}/${subject.id}/${visit.folder}/${s.folder}`;

export const fileName = (instance: number): string => `IM${String(instance).padStart(5, '0')}.dcm`;

/** Instance numbers actually written for a series (the planted gap left out). */
export function instanceNumbers(s: SeriesPlan): number[] {
  const out: number[] = [];
  for (let i = 1; i <= s.slices; i++) if (i !== s.missing) out.push(i);
  return out;
}

function plantedFindings(
  p: DemoParams,
  subjects: SubjectPlan[],
): Pick<DemoPlan, 'deviations' | 'broken'> {
  const deviations: DemoPlan['deviations'] = [];
  const broken: DemoPlan['broken'] = [];
  for (const subject of subjects) {
    for (const visit of subject.visits) {
      for (const st of visit.studies) {
        for (const s of st.series) {
          const path = seriesPath(subject, visit, s);
          const add = (kind: DeviationKind): number =>
            deviations.push({ kind, path, seriesInstanceUid: s.uid });
          if (s.kind === 'ct-cap' && s.thickness !== 5) add('thick-slices');
          if (s.kind === 'ct-cap' && !s.contrast) add('no-contrast');
          if (s.missing !== null) add('missing-slice');
          if (s.truncated !== null)
            broken.push({ path: `${path}/${fileName(s.truncated)}`, expect: 'truncated' });
        }
      }
    }
  }
  if (p.brokenFiles && subjects[0]) {
    const first = subjects[0];
    broken.push({ path: `${first.site.id}/README.txt`, expect: 'not-dicom' });
    broken.push({
      path: `${first.site.id}/${first.id}/${first.visits[0]?.folder ?? 'visit'}/scout.jpg`,
      expect: 'not-dicom',
    });
  }
  return { deviations, broken };
}
