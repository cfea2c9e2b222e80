// Retain Longitudinal Temporal Information with Modified Dates (DEID-19, DEID-20): every
// date of one subject moves by the same whole number of days, derived from the key and
// the subject's original PatientID, so intervals within a subject survive and absolute
// dates do not.
import { hmacSha256, utf8 } from './sha256';

export interface OffsetRange {
  /** Inclusive bounds in days; 0 is never chosen even when inside the range. */
  min: number;
  max: number;
}

export const DEFAULT_OFFSET_RANGE: OffsetRange = { min: -365, max: -1 };

/** The subject's day offset: HMAC(key, 'date-offset:' + PatientID) reduced into range. */
export function subjectDayOffset(
  key: Uint8Array,
  patientId: string,
  range: OffsetRange = DEFAULT_OFFSET_RANGE,
): number {
  const { min, max } = range;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min > max || (min === 0 && max === 0)) {
    throw new RangeError(`bad date offset range ${min}..${max}`);
  }
  const zeroInside = min <= 0 && max >= 0;
  const count = max - min + 1 - (zeroInside ? 1 : 0);
  const mac = hmacSha256(key, utf8(`date-offset:${patientId.trim()}`));
  const word =
    (mac[0] ?? 0) * 2 ** 24 + ((mac[1] ?? 0) << 16) + ((mac[2] ?? 0) << 8) + (mac[3] ?? 0);
  const offset = min + (word % count);
  return zeroInside && offset >= 0 ? offset + 1 : offset;
}

export type ShiftResult = { value: string } | { remove: string };

const DAY_MS = 86_400_000;

function shiftYmd(ymd: string, days: number): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(ymd);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const check = new Date(t);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) {
    return null;
  }
  const out = new Date(t + days * DAY_MS);
  const yy = out.getUTCFullYear();
  if (yy < 0 || yy > 9999) return null;
  const pad = (n: number, w: number): string => String(n).padStart(w, '0');
  return `${pad(yy, 4)}${pad(out.getUTCMonth() + 1, 2)}${pad(out.getUTCDate(), 2)}`;
}

function shiftOne(value: string, vr: 'DA' | 'DT', days: number): string | null {
  const v = value.trim();
  if (v === '') return '';
  if (vr === 'DA') return shiftYmd(v, days);
  // DT: YYYYMMDD[HH[MM[SS[.F{1,6}]]]][&ZZXX]; only the date part moves.
  const m = /^(\d{8})(\d{2}(?:\d{2}(?:\d{2}(?:\.\d{1,6})?)?)?)?([+-]\d{4})?$/.exec(v);
  if (!m) return null;
  const date = shiftYmd(m[1] ?? '', days);
  return date === null ? null : date + (m[2] ?? '') + (m[3] ?? '');
}

/**
 * Shifts a (possibly multi-valued) DA/DT/TM value by `days`. TM is returned unchanged:
 * a whole-day shift does not move a time of day. A value that is not a full date
 * (partial YYYY or YYYYMM, ranges, legacy YYYY.MM.DD, impossible dates) cannot be
 * shifted faithfully, so the element is removed with the reason.
 */
export function shiftDateValue(value: string, vr: 'DA' | 'DT' | 'TM', days: number): ShiftResult {
  if (vr === 'TM') return { value };
  const parts = value.replace(/[\0 ]+$/, '').split('\\');
  const out: string[] = [];
  for (const part of parts) {
    const shifted = shiftOne(part, vr, days);
    if (shifted === null) {
      return { remove: `${vr} value '${part.trim()}' is not a full date that can be shifted` };
    }
    out.push(shifted);
  }
  return { value: out.join('\\') };
}
