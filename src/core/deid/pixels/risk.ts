// Which series need a person before they leave: burned-in text (review queue) and
// recognisable faces (held back unless defaced or waived). Both answer with reasons in
// words, written into the run's documentation.
import type { PixelAttrs } from './match';

export interface Risk {
  atRisk: boolean;
  /** In words, quoting the source's values: for the person at the site, never the output. */
  reasons: string[];
  /** The same reasons as closed codes: what the output documents carry (RISK_SENTENCES). */
  codes?: RiskCode[];
}

export type RiskCode =
  | 'burned-in-annotation-yes'
  | 'text-bearing-modality'
  | 'secondary-capture'
  | 'screen-capture'
  | 'head-body-part'
  | 'head-description'
  | 'head-volume';

/** A sentence per risk code, naming no source value (these go into the output folder). */
export const RISK_SENTENCES: Record<RiskCode, string> = {
  'burned-in-annotation-yes': 'BurnedInAnnotation is YES',
  'text-bearing-modality':
    'a modality that often carries burned-in text, and BurnedInAnnotation does not say NO',
  'secondary-capture': 'secondary capture image',
  'screen-capture': 'ImageType marks a screen capture',
  'head-body-part': 'BodyPartExamined names the head or neck',
  'head-description': 'a study or series description or protocol name names the head or neck',
  'head-volume': 'a near-isotropic 3D volume the size of a head',
};

/**
 * Modalities whose images commonly carry burned-in text. The issue's list (US, SC, OT,
 * XA, DX, ES) plus: RF and CR (fluoroscopy and radiography consoles burn labels and
 * markers), MG (older mammography burns annotations), NM (vendor screens; the rule table
 * has several), IO/PX (dental units print names), XC/GM/SM/OP (photographs, microscopy
 * and ophthalmic captures embed labels), IVUS, DOC (scanned documents).
 */
export const BURNED_IN_MODALITIES: readonly string[] = [
  'US',
  'SC',
  'OT',
  'XA',
  'DX',
  'ES',
  'RF',
  'CR',
  'MG',
  'NM',
  'IO',
  'PX',
  'XC',
  'GM',
  'SM',
  'OP',
  'IVUS',
  'DOC',
];

const SECONDARY_CAPTURE = /^1\.2\.840\.10008\.5\.1\.4\.1\.1\.7(\.\d+)*$/;

function up(v: string | undefined): string {
  return (v ?? '').trim().toUpperCase();
}

export function burnedInRisk(a: PixelAttrs): Risk {
  const reasons: string[] = [];
  const codes: RiskCode[] = [];
  const modality = up(a.Modality);
  const bia = up(a.BurnedInAnnotation);
  const imageType = up(a.ImageType);
  if (bia === 'YES') {
    codes.push('burned-in-annotation-yes');
    reasons.push('BurnedInAnnotation is YES');
  }
  if (BURNED_IN_MODALITIES.includes(modality) && bia !== 'YES' && bia !== 'NO') {
    codes.push('text-bearing-modality');
    reasons.push(
      `modality ${modality} often carries burned-in text and BurnedInAnnotation is ${bia ? `'${bia}'` : 'absent'}`,
    );
  }
  // Screen captures and secondary captures are text-bearing whatever the modality says,
  // unless the header says otherwise.
  if (bia !== 'NO') {
    if (SECONDARY_CAPTURE.test((a.SOPClassUID ?? '').trim())) {
      codes.push('secondary-capture');
      reasons.push('secondary capture image (SOP class 1.2.840.10008.5.1.4.1.1.7...)');
    }
    if (/SCREEN SAVE|SCREENSHOT|\bSAVE\b/.test(imageType.replace(/\\/g, ' '))) {
      codes.push('screen-capture');
      reasons.push(`ImageType ${a.ImageType} marks a screen capture`);
    }
  }
  return { atRisk: reasons.length > 0, reasons, codes };
}

/** Modalities that image a face from which a surface can be rendered. */
export const FACIAL_MODALITIES: readonly string[] = ['CT', 'MR', 'PT'];

const BODY_PARTS = new Set([
  'HEAD',
  'BRAIN',
  'NECK',
  'SKULL',
  'FACE',
  'ORBIT',
  'SINUS',
  'HEADNECK',
  'HNECK',
  'TMJ',
  'JAW',
  'MANDIBLE',
  'MAXILLA',
  'NOSE',
  'EAR',
  'IAC',
  'PAROTID',
  'CEREBRUM',
  'CRANIUM',
]);

// Words in descriptions, after separators (_ ^ - . / ,) become spaces.
const HEAD_WORDS =
  /\b(head|heads|brain|brains|neck|skull|face|facial|orbit|orbits|sinus|sinuses|cran\w*|cerebr\w*|neuro\w*|tmj|mandib\w*|maxill\w*|pituitary|sella|iac|iacs|h&n|hn|kopf|schaedel|schädel|cabeza|cerveau|cerebro|cranio)\b/i;

export interface VolumeGeometry {
  /** Images in the series (or frames of one multi-frame image). */
  slices: number;
  /** Distance between slice centres, mm (SpacingBetweenSlices, positions, or thickness). */
  sliceSpacing?: number;
  /** PixelSpacing, mm: row spacing, column spacing. */
  pixelSpacing?: readonly [number, number];
  rows?: number;
  columns?: number;
}

/**
 * A near-isotropic 3D volume the size of a head. Modest on purpose: the slice spacing is
 * within 1.5x of the in-plane spacing, there are at least 100 slices, the in-plane field
 * of view is at most 300 mm (a head; bodies need 350+ mm) and the slab is 120-320 mm
 * deep. It does not look at the patient position, which is often not reliable.
 */
export function headVolume(g: VolumeGeometry): string | null {
  const ps = g.pixelSpacing;
  if (!ps || !g.sliceSpacing || !g.rows || !g.columns || g.slices < 100) return null;
  const inPlane = (ps[0] + ps[1]) / 2;
  if (!(inPlane > 0) || !(g.sliceSpacing > 0)) return null;
  const ratio = Math.max(g.sliceSpacing, inPlane) / Math.min(g.sliceSpacing, inPlane);
  if (ratio > 1.5) return null;
  const fov = Math.max(g.rows * ps[0], g.columns * ps[1]);
  const depth = g.slices * g.sliceSpacing;
  if (fov > 300 || depth < 120 || depth > 320) return null;
  return `near-isotropic 3D volume (${g.slices} slices, spacing ${g.sliceSpacing.toFixed(2)} mm vs ${inPlane.toFixed(2)} mm in plane, field of view ${Math.round(fov)} mm, ${Math.round(depth)} mm deep) the size of a head`;
}

export function facialRisk(a: PixelAttrs, geometry?: VolumeGeometry): Risk {
  const modality = up(a.Modality);
  if (!FACIAL_MODALITIES.includes(modality)) return { atRisk: false, reasons: [], codes: [] };
  const reasons: string[] = [];
  const codes: RiskCode[] = [];
  const part = up(a.BodyPartExamined).replace(/[\s_\-^&]+/g, '');
  const partWords = up(a.BodyPartExamined).split(/[\s_\-^&/,]+/);
  if (BODY_PARTS.has(part) || partWords.some((w) => BODY_PARTS.has(w))) {
    codes.push('head-body-part');
    reasons.push(`${modality} with BodyPartExamined ${a.BodyPartExamined}`);
  }
  for (const k of ['StudyDescription', 'SeriesDescription', 'ProtocolName']) {
    const text = (a[k] ?? '').replace(/[_^.\-/,]+/g, ' ');
    const m = HEAD_WORDS.exec(text);
    if (m) {
      if (!codes.includes('head-description')) codes.push('head-description');
      reasons.push(`${modality} with ${k} '${a[k]}' naming '${m[0]}'`);
    }
  }
  if (geometry) {
    const v = headVolume(geometry);
    if (v) {
      codes.push('head-volume');
      reasons.push(`${modality} ${v}`);
    }
  }
  return { atRisk: reasons.length > 0, reasons, codes };
}
