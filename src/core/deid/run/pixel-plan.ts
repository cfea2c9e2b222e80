// Blanking burned-in text inside the run (DEID-51..): which regions an image needs, from
// the pixel rules and the reviewer's rectangles, and the new Pixel Data element that
// replaces the spliced original. Anything that cannot be blanked is held, never passed on.
import type { ParsedDicom } from '../../dicom/types';
import { maskInputFromDicom } from '../pixels/from-dicom';
import { matchRules, regionsToMask, type PixelAttrs } from '../pixels/match';
import { maskPixels } from '../pixels/mask';
import { PIXEL_RULES } from '../pixels/rules.generated';
import type { PixelRule, Region } from '../pixels/types';

/**
 * The run's default rules: the general recipe (deid.dicom). The ultrasound and chest X-ray
 * recipes are study filters (e.g. "only chest"), not privacy rules, so they are left out.
 */
export const RUN_PIXEL_RULES: readonly PixelRule[] = PIXEL_RULES.filter(
  (r) => r.source === 'deid.dicom',
);

export type PixelPlan =
  /** Nothing to blank: the original bytes are spliced. `note` says why, when worth saying. */
  | { kind: 'keep'; note?: string }
  /** Blanked; `tail` is the new Pixel Data element (the engine writes what follows it). */
  | { kind: 'masked'; tail: Uint8Array; note: string }
  | { kind: 'held'; reason: string };

export interface PixelRequest {
  /** The series' burned-in answer is 'mask' (review or the run's option). */
  maskAsked: boolean;
  /** Rectangles a reviewer drew, in stored pixel coordinates. */
  drawn: readonly Region[];
  rules: readonly PixelRule[];
}

function ruleName(r: PixelRule): string {
  return `${r.label} (${r.source} line ${r.line})`;
}

/** For a file with Pixel Data, when masking is asked for or the profile cleans pixels. */
export function planPixels(parsed: ParsedDicom, attrs: PixelAttrs, req: PixelRequest): PixelPlan {
  const matches = matchRules(attrs, req.rules);
  const black = matches.filter((m) => m.rule.list === 'blacklist');
  if (black.length) {
    return {
      kind: 'held',
      reason: `pixel rule ${black.map((m) => ruleName(m.rule)).join(', ')} rejects this image outright (burned-in text cannot be masked away)`,
    };
  }
  const fromRules = regionsToMask(matches);
  const regions = [...fromRules.regions, ...req.drawn];
  const keep = fromRules.keep;
  if (regions.length === 0 && keep.length === 0) {
    if (!req.maskAsked) return { kind: 'keep' };
    const white = matches.find((m) => m.rule.list === 'whitelist');
    if (white) return { kind: 'keep', note: `known clean by pixel rule ${ruleName(white.rule)}` };
    return {
      kind: 'held',
      reason: 'mask chosen but no region to mask: no pixel rule matched and none was drawn',
    };
  }
  const input = maskInputFromDicom(parsed);
  if (typeof input === 'string') return { kind: 'held', reason: `cannot mask: ${input}` };
  const r = maskPixels(input, regions, keep);
  if (!r.ok) {
    return {
      kind: 'held',
      reason: `burned-in text regions to blank, but ${r.reason}: held back, not passed through`,
    };
  }
  // The masked Pixel Data element alone: what followed it is de-identified by the engine.
  const tail = r.element;
  const by = [
    ...new Set(matches.filter((m) => m.rule.list === 'graylist').map((m) => ruleName(m.rule))),
  ];
  const how = [
    ...(by.length ? [`pixel rule ${by.join(', ')}`] : []),
    ...(req.drawn.length ? [`${req.drawn.length} region(s) drawn on review`] : []),
  ].join(' and ');
  if (!r.changed) {
    // Nothing differed: the original element is kept, and nothing is claimed (DEID-45).
    return {
      kind: 'keep',
      note: `masking by ${how} changed no stored value; pixels left as they were`,
    };
  }
  return {
    kind: 'masked',
    tail,
    note: `blanked ${r.samplesChanged} sample value(s) by ${how}`,
  };
}
