// One source file through the whole run (DEID-32): parse, classify risk and answer it
// (DEID-51..), pseudonym and visit, de-identify (header re-encoded, pixel bytes spliced
// unchanged unless masked), leak check. Pure:
// the caller reads and writes files and hashes bytes with what its platform does fastest
// (a native digest is several times faster than SHA-256 in JavaScript, and hashing is most of
// the cost of a header-only rewrite).
import { parseDicomBytes } from '../../dicom/file';
import type { DataElement } from '../../dicom/writer';
import { stringValue } from '../../dicom/values';
import type { ParsedDicom, ParseOutcome } from '../../dicom/types';
import { deidentifyDataset } from '../engine';
import { deidentifiedTail, type TrialAttributes } from '../method';
import { writePart10 } from '../../dicom/writer';
import type { DeidProfile } from '../profile';
import { burnedInRisk, facialRisk, type VolumeGeometry } from '../pixels/risk';
import { geometryFromDicom, pixelAttrsFromDicom } from '../pixels/from-dicom';
import type { PixelRule } from '../pixels/types';
import {
  burnedInDecision,
  facialDecision,
  type GlobalAnswers,
  type HoldCategory,
  type RiskDecision,
} from './answers';
import { planPixels, RUN_PIXEL_RULES, type PixelPlan } from './pixel-plan';
import type { ReviewDecision, ReviewDecisions } from './review';
import { collectIdentifiers, findLeaks, type Identifier } from './leak';
import { NO_SITE, siteFor, type SiteRule } from './site';
import { outputPath } from './layout';
import { keyedPseudonym, visitFor, type SubjectMapping, type VisitRule } from './pseudonym';

export type { HoldCategory, RiskDecision } from './answers';

export interface RunOptions extends GlobalAnswers {
  profile: DeidProfile;
  key: Uint8Array;
  /**
   * Folder-to-site rules (DEID-81); with the mapping's site column and the file's own
   * Clinical Trial Site ID they give each file its site. No default: unplaced files are held.
   */
  siteRules?: readonly SiteRule[];
  /** Trial attributes; the site ID and name come per file. */
  trial: Omit<TrialAttributes, 'timePointId' | 'siteId'>;
  /** When given, every patient must be in it; otherwise keyed pseudonyms are made. */
  mapping?: SubjectMapping;
  visits?: readonly VisitRule[];
  pseudonymPrefix?: string;
  /**
   * Answers per SOURCE Series Instance UID; a series without one takes the global answers
   * (passBurnedIn, maskBurnedIn, waiveFacialRisk, attestDefaced), else is held.
   */
  review?: ReviewDecisions;
  /**
   * Images per SOURCE Series Instance UID (the index knows them; one file does not), so a
   * near-isotropic head volume is at facial risk in the run as in the review queue.
   */
  seriesSizes?: ReadonlyMap<string, number>;
  /** Region rules for masking; default RUN_PIXEL_RULES (plus a profile's, by the caller). */
  pixelRules?: readonly PixelRule[];
  /**
   * The caller settles keyed-pseudonym collisions in input order (PseudonymClaims), so
   * files may go through several DeidRuns (threads) in any order with the same result.
   */
  claimsByCaller?: boolean;
}

/** A keyed pseudonym given to a file, for the collision check in input order. */
export interface PseudonymClaim {
  subject: string;
  patientId: string;
  /** The file's risk decisions, as a collision hold records them. */
  decisions: RiskDecision[];
}

export type FileOutcome =
  | {
      kind: 'written';
      path: string;
      /** Header then the original bytes from Pixel Data on (or the masked Pixel Data
       *  element): write them in order. */
      parts: Uint8Array[];
      /** Stored pixel values were blanked (113101 and BurnedInAnnotation NO written). */
      masked: boolean;
      size: number;
      sourceSha256: string;
      subject: string;
      /** Remapped Series Instance UID, to group decisions by series. */
      series: string;
      decisions: RiskDecision[];
      notes: string[];
      /** The source's identifiers: the read-back and the folder check search for them. */
      ids: Identifier[];
      claim?: PseudonymClaim;
    }
  | {
      kind: 'held';
      category: HoldCategory;
      sourceSha256: string;
      series: string;
      reasons: string[];
      decisions: RiskDecision[];
      ids: Identifier[];
      claim?: PseudonymClaim;
    }
  | {
      kind: 'skipped';
      sourceSha256: string;
      /** For the person at the site (may quote the parser). */
      reason: string;
      /** For the output documents: a closed code (DEID-80). */
      code: string;
    };

type Written = Extract<FileOutcome, { kind: 'written' }>;
type Held = Extract<FileOutcome, { kind: 'held' }>;

/** A file's outcome without its bytes: what crosses from the per-file work to the loop. */
export type PreparedOutcome = Exclude<FileOutcome, Written> | Omit<Written, 'parts'>;

/**
 * Writing ClinicalTrialSubjectID brings in the Clinical Trial Subject module, whose
 * sponsor and protocol ID are Type 1 and protocol name, site ID and name Type 2.
 */
export const TRIAL_DEFAULTS: Omit<TrialAttributes, 'timePointId'> = {
  sponsorName: 'UNSPECIFIED',
  protocolId: 'UNSPECIFIED',
  protocolName: '',
  siteId: '',
  siteName: '',
};

function top(parsed: ParsedDicom, tag: number): string {
  const el = parsed.dataset.byTag.get(tag);
  return el ? stringValue(parsed.datasetBytes, el, parsed.dataset).trim() : '';
}

function outValue(elements: readonly DataElement[], tag: number): string {
  const v = elements.find((e) => e.tag === tag)?.value;
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return String.fromCharCode(...v).replace(/[\0 ]+$/, '');
  return '';
}

/**
 * Keyed pseudonyms given so far, to catch two patients given the same one. The first file
 * in input order keeps it; a later file of another patient is held, unless it was held
 * already for its exclusion or its site (which DeidRun decides first).
 */
export class PseudonymClaims {
  private readonly codes = new Map<string, string>();

  settle<T extends PreparedOutcome>(o: T): T | Held {
    if (o.kind === 'skipped' || !o.claim) return o;
    const { subject, patientId, decisions } = o.claim;
    const owner = this.codes.get(subject);
    if (owner === undefined || owner === patientId) {
      this.codes.set(subject, patientId);
      return o;
    }
    if (o.kind === 'held' && (o.category === 'excluded' || o.category === 'site')) return o;
    return {
      kind: 'held',
      category: 'pseudonym',
      sourceSha256: o.sourceSha256,
      series: o.series,
      reasons: [`keyed pseudonym ${subject} collides with another patient's; use a mapping`],
      decisions,
      ids: o.ids,
    };
  }
}

/** A run over many files: holds the pseudonyms given so far, to catch keyed collisions. */
export class DeidRun {
  private readonly claims: PseudonymClaims | null;

  constructor(readonly options: RunOptions) {
    this.claims = options.claimsByCaller ? null : new PseudonymClaims();
  }

  private pseudonym(patientId: string, site: string): { subject: string } | { problem: string } {
    const { mapping, key } = this.options;
    if (!patientId) return { problem: 'the source has no PatientID, so no pseudonym can be given' };
    if (mapping) {
      const subject =
        mapping.bySitePatient.get(`${site}\0${patientId}`) ??
        mapping.bySitePatient.get(`\0${patientId}`);
      return subject
        ? { subject }
        : { problem: `the mapping table has no entry for this patient at site ${site}` };
    }
    return { subject: keyedPseudonym(key, site, patientId, this.options.pseudonymPrefix) };
  }

  private risks(
    attrs: Record<string, string> | null,
    answer: ReviewDecision | undefined,
    geometry: VolumeGeometry | undefined,
  ): RiskDecision[] {
    if (!attrs) return [];
    return [
      burnedInDecision(burnedInRisk(attrs), answer?.burnedIn, this.options),
      facialDecision(facialRisk(attrs, geometry), answer?.facial, this.options),
    ].filter((d): d is RiskDecision => d !== null);
  }

  /**
   * `sourceSha256`: hex SHA-256 of `bytes`, the only trace of the source in the outputs.
   * `outcome`: the source parsed by `parseSource(bytes, inflate)` (needed to inflate a
   * deflated source, DEID-61); by default parsed here, without inflating.
   * `sourcePath`: relative to the input folder, for folder-to-site rules only.
   */
  file(
    bytes: Uint8Array,
    sourceSha256: string,
    outcome: ParseOutcome = parseDicomBytes(bytes),
    sourcePath = '',
  ): FileOutcome {
    const o = this.outcome(sourceSha256, outcome, sourcePath);
    return this.claims ? this.claims.settle(o) : o;
  }

  private outcome(sourceSha256: string, outcome: ParseOutcome, sourcePath: string): FileOutcome {
    const o = this.options;
    if (outcome.kind === 'deflated') {
      return {
        kind: 'skipped',
        sourceSha256,
        reason: 'deflated transfer syntax: parse it with parseSource and an inflater',
        code: 'deflated',
      };
    }
    if (outcome.kind === 'need-more') {
      return {
        kind: 'skipped',
        sourceSha256,
        reason: 'the header goes past the end of the file',
        code: 'truncated',
      };
    }
    if (outcome.kind === 'problem') {
      return {
        kind: 'skipped',
        sourceSha256,
        reason: `${outcome.problem.code}: ${outcome.problem.message}`,
        code: outcome.problem.code,
      };
    }
    const parsed = outcome.dicom;
    const attrs = parsed.pixelData ? pixelAttrsFromDicom(parsed) : null;
    const sourceSeries = top(parsed, 0x0020000e);
    const answer = o.review?.get(sourceSeries);
    const size = o.seriesSizes?.get(sourceSeries);
    const geometry = size === undefined ? undefined : geometryFromDicom(parsed, size);
    const decisions = this.risks(attrs, answer, geometry);
    const excluded = decisions.filter((d) => d.decision === 'excluded');
    const stopped = decisions.filter((d) => d.decision === 'held');
    const burned = decisions.find((d) => d.kind === 'burned-in');
    const maskAsked = burned?.decision === 'masked';
    // Pixels are planned before the header is written: 113101 goes in only if they changed.
    const plan: PixelPlan =
      attrs &&
      !excluded.length &&
      !stopped.length &&
      (maskAsked || o.profile.options.cleanPixelDataOpt)
        ? planPixels(parsed, attrs, {
            maskAsked,
            drawn: (maskAsked && answer?.burnedIn?.regions) || [],
            rules: o.pixelRules ?? RUN_PIXEL_RULES,
          })
        : { kind: 'keep' };
    const patientId = top(parsed, 0x00100020);
    const placed = siteFor(
      { path: sourcePath, patientId, fileSiteId: top(parsed, 0x00120030) },
      o.siteRules ?? [],
      o.mapping,
    );
    const site = placed?.site ?? '';
    const who = placed ? this.pseudonym(patientId, site) : { problem: NO_SITE };
    const visit = o.visits
      ? visitFor(o.visits, {
          site,
          patientId,
          studyDate: top(parsed, 0x00080020),
          accession: top(parsed, 0x00080050),
        })
      : null;
    const subject = 'subject' in who ? who.subject : 'UNASSIGNED';
    // Keyed pseudonyms only: a mapping gives each patient its own subject by construction.
    const claim: PseudonymClaim | undefined =
      'subject' in who && !o.mapping ? { subject, patientId, decisions } : undefined;
    const res = deidentifyDataset(parsed, o.profile, {
      key: o.key,
      subjectId: subject,
      trial: {
        ...TRIAL_DEFAULTS,
        ...o.trial,
        siteId: site,
        ...(visit ? { timePointId: visit } : {}),
      },
      pixelsCleaned: plan.kind === 'masked',
      // The run writes files; nobody reads a change list here.
      changeLog: false,
    });
    const series = outValue(res.elements, 0x0020000e);
    const ids = collectIdentifiers(parsed, o.profile);
    const held = (
      category: HoldCategory,
      reasons: string[],
      recorded: RiskDecision[] = decisions,
    ): FileOutcome => ({
      kind: 'held',
      category,
      sourceSha256,
      series,
      reasons,
      decisions: recorded,
      ids,
      ...(claim ? { claim } : {}),
    });
    for (const d of excluded) {
      return held('excluded', [
        `${d.kind} risk: series excluded by ${d.by ?? 'the run'}: ${d.justification ?? ''}`,
      ]);
    }
    if (!placed) return held('site', [NO_SITE]);
    if ('problem' in who) return held('pseudonym', [who.problem]);
    // DEID-66, DEID-67, DEID-82: unknown transfer syntax, missing UIDs, unparseable trailing
    // data: what the index could not file, or nobody here can judge, is not written.
    if (res.holds.length)
      return held(
        'unsafe',
        res.holds.map((h) => h.message),
      );
    const lost = (
      [
        [0x00080018, 'SOPInstanceUID'],
        [0x0020000d, 'StudyInstanceUID'],
        [0x0020000e, 'SeriesInstanceUID'],
      ] as const
    ).filter(([tag]) => top(parsed, tag) !== '' && outValue(res.elements, tag) === '');
    if (lost.length) {
      // e.g. a UID stored with VR UN: the engine blanks it instead of remapping it.
      return held(
        'unsafe',
        lost.map(([, k]) => `${k} came out empty after de-identification`),
      );
    }
    for (const d of stopped) {
      const what =
        d.kind === 'facial' ? 'facial risk, not waived' : 'burned-in text risk, not passed';
      return held(d.kind, [`${what}: ${d.reasons.join('; ')}`]);
    }
    if (plan.kind === 'held') {
      // The documentation must say the series was held, not that it was masked as asked.
      const why = { kind: 'burned-in' as const, decision: 'held' as const };
      const others = decisions.filter((d) => d.kind !== 'burned-in');
      const mine = burned ?? { ...why, reasons: [] };
      return held(
        'burned-in',
        [plan.reason],
        [...others, { ...mine, ...why, reasons: [...mine.reasons, plan.reason] }],
      );
    }
    // The meta group names the SOP class too: the engine keeps SOPClassUID as raw bytes,
    // which the writer cannot read it back from, so it is passed explicitly.
    const sopClass = top(parsed, 0x00080016);
    const header = writePart10(res.elements, {
      transferSyntaxUid: res.transferSyntaxUid,
      ...(res.sopInstanceUid ? { mediaStorageSopInstanceUid: res.sopInstanceUid } : {}),
      ...(sopClass ? { mediaStorageSopClassUid: sopClass } : {}),
    });
    // DEID-60: Pixel Data spliced from the source (or masked), then the trailer re-encoded.
    const tail = deidentifiedTail(res, parsed, plan.kind === 'masked' ? plan.tail : undefined);
    const leaks = findLeaks(header, tail, ids);
    if (leaks.length) {
      return held(
        'leak',
        leaks.map((h) => `leak check: identifying ${h.kind} from ${h.from} found in ${h.where}`),
      );
    }
    const parts = [header, ...tail];
    const path = outputPath({
      site,
      subject,
      visit,
      studyUid: outValue(res.elements, 0x0020000d),
      seriesUid: series,
      sopInstanceUid: res.sopInstanceUid ?? sourceSha256,
      seriesNumber: outValue(res.elements, 0x00200011),
      modality: outValue(res.elements, 0x00080060),
      instanceNumber: outValue(res.elements, 0x00200013),
    });
    return {
      kind: 'written',
      path,
      parts,
      size: header.length + tail.reduce((n, p) => n + p.length, 0),
      sourceSha256,
      subject,
      series,
      decisions,
      notes: [...res.problems, ...(plan.note ? [plan.note] : [])],
      masked: plan.kind === 'masked',
      ids,
      ...(claim ? { claim } : {}),
    };
  }
}
