// User rules carried by a profile, in the generated table's own format. Checked field by
// field: a malformed rule is refused rather than silently matching nothing (or everything).
import type { PixelRule, Region, RuleExpr } from './types';

export type UserRulesResult = { ok: true; rules: PixelRule[] } | { ok: false; reason: string };

const OPS = new Set(['contains', 'equals', 'missing', 'empty', 'present']);
const LISTS = new Set(['whitelist', 'graylist', 'blacklist']);
const MAX_DEPTH = 16;

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function checkExpr(x: unknown, depth: number): string | null {
  if (depth > MAX_DEPTH) return 'condition nested too deep';
  if (!isObj(x)) return 'condition is not an object';
  if (x.kind === 'and' || x.kind === 'or') {
    if (!Array.isArray(x.of) || x.of.length === 0) return `${x.kind} needs conditions`;
    for (const e of x.of) {
      const r = checkExpr(e, depth + 1);
      if (r) return r;
    }
    return null;
  }
  if (x.kind !== 'term') return 'unknown condition kind';
  if (typeof x.op !== 'string' || !OPS.has(x.op)) return `unknown op ${String(x.op)}`;
  if (typeof x.field !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(x.field))
    return 'field must be a keyword';
  if (!Array.isArray(x.values) || !x.values.every((v) => typeof v === 'string'))
    return 'values must be strings';
  const needs = x.op === 'contains' || x.op === 'equals';
  const nonEmpty = x.values.filter((v: string) => v.trim() !== '').length;
  if (needs && nonEmpty === 0) return `${x.op} needs a value`;
  if (!needs && x.values.length > 0) return `${x.op} takes no value`;
  return null;
}

function checkRegion(x: unknown): string | null {
  if (!isObj(x)) return 'region is not an object';
  if (x.whole === true) return null;
  const n = [x.x0, x.y0, x.x1, x.y1];
  if (!n.every((v) => Number.isInteger(v) && (v as number) >= 0))
    return 'region corners must be whole numbers >= 0';
  if ((x.x1 as number) <= (x.x0 as number) || (x.y1 as number) <= (x.y0 as number))
    return 'region is empty';
  return null;
}

export function checkUserRules(x: unknown): UserRulesResult {
  if (!Array.isArray(x)) return { ok: false, reason: 'pixel rules must be a list' };
  const rules: PixelRule[] = [];
  for (const [i, r] of x.entries()) {
    const at = `pixel rule ${i + 1}`;
    if (!isObj(r)) return { ok: false, reason: `${at}: not an object` };
    if (typeof r.label !== 'string' || r.label.trim() === '')
      return { ok: false, reason: `${at}: needs a label` };
    const list = r.list ?? 'graylist';
    if (typeof list !== 'string' || !LISTS.has(list))
      return { ok: false, reason: `${at}: unknown list` };
    const e = checkExpr(r.when, 0);
    if (e) return { ok: false, reason: `${at}: ${e}` };
    const regions = r.regions ?? [];
    const keep = r.keep ?? [];
    if (!Array.isArray(regions) || !Array.isArray(keep))
      return { ok: false, reason: `${at}: regions must be lists` };
    for (const g of [...regions, ...keep]) {
      const m = checkRegion(g);
      if (m) return { ok: false, reason: `${at}: ${m}` };
    }
    rules.push({
      label: r.label,
      note: typeof r.note === 'string' ? r.note : '',
      list: list as PixelRule['list'],
      source: 'user',
      line: i + 1,
      when: r.when as RuleExpr,
      regions: regions as Region[],
      keep: keep as Region[],
    });
  }
  return { ok: true, rules };
}
