// Preview (issue 4 item 6): every attribute of one file with its action and its value
// before and after, so a coordinator checks the profile on real data before a run.
import { formatTag, keywordOf } from '../../core/dicom/dictionary';
import { displayValue } from '../../core/dicom/values';
import { deidentifyDataset, type DeidContext } from '../../core/deid/engine';
import { parseSource } from '../../core/dicom/inflating';
import type { Inflate } from '../../core/index/record';
import type { DeidProfile } from '../../core/deid/profile';
import type { PreviewRow } from '../../ui/state/deid-api';
import { fail, ok, type DeidResult } from '../../ui/state/deid-result';

export async function previewRows(
  bytes: Uint8Array,
  profile: DeidProfile,
  ctx: DeidContext,
  /** The run's inflater, so a deflated file previews as the run will read it. */
  inflate?: Inflate,
): Promise<DeidResult<PreviewRow[], 'unreadable-file'>> {
  const outcome = await parseSource(bytes, inflate);
  if (outcome.kind !== 'parsed')
    return fail('unreadable-file', `This file cannot be previewed (${outcome.kind}).`);
  const parsed = outcome.dicom;
  const res = deidentifyDataset(parsed, profile, ctx);
  const changed = new Map(res.changes.map((c) => [c.path, c]));
  const rows: PreviewRow[] = [];
  for (const el of parsed.dataset.elements) {
    const tag = formatTag(el.tag >>> 0);
    const c = changed.get(tag);
    const before = el.items
      ? `${el.items.length} item(s)`
      : displayValue(parsed.datasetBytes, el, parsed.dataset);
    rows.push({
      tag,
      name: keywordOf(el.tag >>> 0),
      action: c ? c.action : 'K',
      before,
      after: c ? c.after : before,
    });
    changed.delete(tag);
  }
  // Changes inside sequences, and attributes the profile adds (e.g. PatientIdentityRemoved).
  for (const c of changed.values())
    rows.push({ tag: c.path, name: c.keyword, action: c.action, before: c.before, after: c.after });
  return ok(rows);
}
