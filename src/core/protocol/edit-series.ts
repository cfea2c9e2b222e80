// Editing a draft's series requirements and their manual QC items (QC-54), as edit.ts does
// rules: a form of plain strings becomes an item, the item is put into a copy of the draft's
// JSON, and validity is always the validator's to say. A requirement edited in the form keeps
// the rules, manual items and selection it had (those have their own editors).
import { copyOf, isObject, requirementsOf, type EditResult } from './edit';
import type { Built, FieldProblem } from './edit-parts';
import type { ManualItem, SeriesRequirement } from './types';

type Json = Record<string, unknown>;

export const MODALITIES: Array<SeriesRequirement['modality']> = [
  'CT',
  'MR',
  'PT',
  'NM',
  'CR',
  'DX',
  'MG',
  'US',
  'OT',
] as SeriesRequirement['modality'][];

export interface RequirementForm {
  id: string;
  modality: string;
  title: string;
}

export const emptyRequirementForm = (): RequirementForm => ({ id: '', modality: 'CT', title: '' });

export const requirementFormOf = (s: SeriesRequirement): RequirementForm => ({
  id: s.id,
  modality: s.modality,
  title: s.title,
});

/** A requirement without rules yet; put keeps an edited one's rules, manual items, select. */
export function requirementOf(form: RequirementForm): Built<SeriesRequirement, RequirementForm> {
  const problems: Array<FieldProblem<RequirementForm>> = [];
  if (!form.id.trim()) problems.push({ field: 'id', reason: 'give the requirement an ID' });
  if (!form.title.trim()) problems.push({ field: 'title', reason: 'give the requirement a title' });
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    item: { id: form.id.trim(), modality: form.modality, title: form.title.trim(), rules: [] },
  };
}

/** Puts a requirement in place of `replacing` (keeping what the form does not edit), else last. */
export function putRequirement(data: unknown, item: Json, replacing?: string): EditResult {
  const copy = copyOf(data);
  const reqs = isObject(copy) && Array.isArray(copy.series) ? (copy.series as unknown[]) : null;
  if (!isObject(copy) || !reqs) return { ok: false, reason: 'the draft has no series list' };
  const i = replacing === undefined ? -1 : reqs.findIndex((s) => isObject(s) && s.id === replacing);
  if (i < 0) {
    reqs.push(item);
    return { ok: true, data: copy };
  }
  const old = reqs[i] as Json;
  reqs[i] = {
    ...item,
    ...(old.select !== undefined ? { select: old.select } : {}),
    rules: Array.isArray(old.rules) ? old.rules : [],
    ...(old.manual !== undefined ? { manual: old.manual } : {}),
  };
  // Visit rules name requirements by id: a renamed requirement is renamed there too.
  if (replacing !== item.id && Array.isArray(copy.visits))
    for (const v of copy.visits) if (isObject(v) && v.series === replacing) v.series = item.id;
  return { ok: true, data: copy };
}

export function removeRequirement(data: unknown, id: string): EditResult {
  const copy = copyOf(data);
  const reqs = requirementsOf(copy);
  const list = isObject(copy) ? (copy.series as unknown[]) : [];
  const i = list.findIndex((s) => isObject(s) && s.id === id);
  if (!reqs || i < 0) return { ok: false, reason: `no series requirement is called ${id}` };
  // Left empty rather than deleted: the validator then says a protocol needs one.
  list.splice(i, 1);
  return { ok: true, data: copy as Json };
}

// Manual QC items (what a QC reviewer ticks by eye), per series requirement.

export interface ManualForm {
  requirement: string;
  id: string;
  text: string;
}

export const emptyManualForm = (requirement = ''): ManualForm => ({
  requirement,
  id: '',
  text: '',
});

export const manualFormOf = (requirement: string, m: ManualItem): ManualForm => ({
  requirement,
  id: m.id,
  text: m.text,
});

export function manualOf(form: ManualForm): Built<ManualItem, ManualForm> {
  if (!form.requirement)
    return {
      ok: false,
      problems: [{ field: 'requirement', reason: 'choose a series requirement' }],
    };
  return { ok: true, item: { id: form.id.trim(), text: form.text.trim() } };
}

/** Every manual item of the draft with the requirement it belongs to, in file order. */
export function manualsOf(data: unknown): Array<{ requirement: string; item: Json }> | null {
  const reqs = requirementsOf(data);
  if (!reqs) return null;
  return reqs.flatMap((s) =>
    Array.isArray(s.manual)
      ? s.manual.filter(isObject).map((item) => ({ requirement: String(s.id), item }))
      : [],
  );
}

/** Puts an item into `requirement`: in place of `replacing` (which may sit elsewhere: it moves). */
export function putManual(
  data: unknown,
  requirement: string,
  item: Json,
  replacing?: string,
): EditResult {
  const copy = copyOf(data);
  const reqs = requirementsOf(copy);
  if (!reqs) return { ok: false, reason: 'the draft has no series list' };
  const target = reqs.find((s) => s.id === requirement);
  if (!target) return { ok: false, reason: `no series requirement is called ${requirement}` };
  if (replacing !== undefined)
    for (const s of reqs) {
      const list = Array.isArray(s.manual) ? (s.manual as unknown[]) : [];
      const i = list.findIndex((m) => isObject(m) && m.id === replacing);
      if (i < 0) continue;
      if (s === target) {
        list[i] = item;
        return { ok: true, data: copy as Json };
      }
      list.splice(i, 1);
      if (list.length === 0) delete s.manual;
      break;
    }
  if (!Array.isArray(target.manual)) target.manual = [];
  (target.manual as unknown[]).push(item);
  return { ok: true, data: copy as Json };
}

export function removeManual(data: unknown, id: string): EditResult {
  const copy = copyOf(data);
  for (const s of requirementsOf(copy) ?? []) {
    const list = Array.isArray(s.manual) ? (s.manual as unknown[]) : [];
    const i = list.findIndex((m) => isObject(m) && m.id === id);
    if (i < 0) continue;
    list.splice(i, 1);
    // An empty optional list is left out, as a hand-written file would.
    if (list.length === 0) delete s.manual;
    return { ok: true, data: copy as Json };
  }
  return { ok: false, reason: `no manual item is called ${id}` };
}
