// A series requirement's selection (QC-54): which series of its modality the requirement
// applies to, as checks that must all hold (SeriesRequirement.select). A selection check is
// typed in the same check form as a rule's (edit.ts: CheckForm, checkOf), put into a copy of
// the draft's JSON, and its validity is the validator's to say, as for every other part.
// Selection checks have no IDs of their own: one is named by its requirement and its place.
import {
  checkFormOf,
  checkOf,
  copyOf,
  emptyCheckForm,
  isObject,
  requirementsOf,
  type CheckForm,
  type EditResult,
} from './edit';
import type { Built } from './edit-parts';
import type { Check } from './types';

type Json = Record<string, unknown>;

/** The selection form: the requirement the check narrows, and the check as typed. */
export interface SelectForm extends CheckForm {
  requirement: string;
}

export const emptySelectForm = (requirement = ''): SelectForm => ({
  requirement,
  ...emptyCheckForm(),
});

export const selectFormOf = (requirement: string, c: Check): SelectForm => ({
  requirement,
  ...checkFormOf(c),
});

export function selectOf(form: SelectForm): Built<Check, SelectForm> {
  if (!form.requirement)
    return {
      ok: false,
      problems: [{ field: 'requirement', reason: 'choose a series requirement' }],
    };
  const built = checkOf(form);
  return built.ok ? { ok: true, item: built.check } : built;
}

/**
 * A selection check's key: its requirement and its place in that requirement's list, from 1
 * ("CT-CAP#2"). Requirement IDs cannot hold '#' (the schema's pattern), so the key parses back.
 */
export const selectKey = (requirement: string, place: number): string => `${requirement}#${place}`;

export function parseSelectKey(key: string): { requirement: string; place: number } | null {
  const i = key.lastIndexOf('#');
  const place = Number(key.slice(i + 1));
  if (i <= 0 || !/^\d+$/.test(key.slice(i + 1)) || place < 1) return null;
  return { requirement: key.slice(0, i), place };
}

export interface Selection {
  key: string;
  requirement: string;
  place: number;
  check: Json;
}

/** Every selection check of the draft with its requirement, in file order. */
export function selectionsOf(data: unknown): Selection[] | null {
  const reqs = requirementsOf(data);
  if (!reqs) return null;
  return reqs.flatMap((s) => {
    const requirement = String(s.id);
    if (!Array.isArray(s.select)) return [];
    return s.select.flatMap((check, i) =>
      isObject(check)
        ? [{ key: selectKey(requirement, i + 1), requirement, place: i + 1, check }]
        : [],
    );
  });
}

/** The list a key points at and the index in it, in `reqs` (a copy being edited). */
function locate(reqs: Json[], key: string): { owner: Json; list: unknown[]; i: number } | null {
  const k = parseSelectKey(key);
  const owner = k && reqs.find((s) => s.id === k.requirement);
  if (!k || !owner || !Array.isArray(owner.select) || k.place > owner.select.length) return null;
  return { owner, list: owner.select as unknown[], i: k.place - 1 };
}

/** An emptied selection is left out, as a hand-written file would: the requirement then applies to every series of its modality. */
function dropIfEmpty(owner: Json): void {
  if (Array.isArray(owner.select) && owner.select.length === 0) delete owner.select;
}

/**
 * Puts `check` into `requirement`'s selection: in place of the check `replacing` (a key; it
 * may sit in another requirement: the check moves), else at the end. Returns a new object.
 */
export function putSelection(
  data: unknown,
  requirement: string,
  check: Check,
  replacing?: string,
): EditResult {
  const copy = copyOf(data);
  const reqs = requirementsOf(copy);
  if (!reqs) return { ok: false, reason: 'the draft has no series list' };
  const target = reqs.find((s) => s.id === requirement);
  if (!target) return { ok: false, reason: `no series requirement is called ${requirement}` };
  if (replacing !== undefined) {
    const at = locate(reqs, replacing);
    if (!at) return { ok: false, reason: `no selection check ${replacing} in the draft` };
    if (at.owner === target) {
      at.list[at.i] = check;
      return { ok: true, data: copy as Json };
    }
    at.list.splice(at.i, 1);
    dropIfEmpty(at.owner);
  }
  if (!Array.isArray(target.select)) target.select = [];
  (target.select as unknown[]).push(check);
  return { ok: true, data: copy as Json };
}

export function removeSelection(data: unknown, key: string): EditResult {
  const copy = copyOf(data);
  const at = locate(requirementsOf(copy) ?? [], key);
  if (!at) return { ok: false, reason: `no selection check ${key} in the draft` };
  at.list.splice(at.i, 1);
  dropIfEmpty(at.owner);
  return { ok: true, data: copy as Json };
}
