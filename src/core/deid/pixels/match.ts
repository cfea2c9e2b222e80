// Which region rules apply to an image, from its attributes by keyword. Values are
// compared as text: contains/equals are case-insensitive and literal (no regex: source
// values such as 'SOMATOM Definition AS+' would misbehave as patterns).
import type { PixelRule, Region, RuleExpr, RuleList } from './types';

export type PixelAttrs = Readonly<Record<string, string | undefined>>;

export interface PixelMatch {
  rule: PixelRule;
  /** Regions to blank (the rule's own). */
  regions: Region[];
  /** Regions to keep; when non-empty everything outside them is blanked. */
  keep: Region[];
}

function blank(v: string | undefined): boolean {
  return v === undefined || v.trim() === '';
}

export function evaluate(expr: RuleExpr, attrs: PixelAttrs): boolean {
  switch (expr.kind) {
    case 'and':
      return expr.of.every((e) => evaluate(e, attrs));
    case 'or':
      return expr.of.some((e) => evaluate(e, attrs));
    case 'term': {
      const v = attrs[expr.field];
      switch (expr.op) {
        case 'missing':
          return v === undefined;
        case 'empty':
          return v !== undefined && v.trim() === '';
        case 'present':
          return !blank(v);
        case 'contains': {
          if (v === undefined) return false;
          const lower = v.toLowerCase();
          return expr.values.some((x) => lower.includes(x.toLowerCase()));
        }
        case 'equals': {
          if (v === undefined) return false;
          const t = v.trim().toLowerCase();
          return expr.values.some((x) => x.trim().toLowerCase() === t);
        }
      }
    }
  }
}

/** Every rule whose conditions hold, in table order. Lists are filtered by `lists`. */
export function matchRules(
  attrs: PixelAttrs,
  rules: readonly PixelRule[],
  lists: readonly RuleList[] = ['whitelist', 'graylist', 'blacklist'],
): PixelMatch[] {
  const out: PixelMatch[] = [];
  for (const rule of rules) {
    if (!lists.includes(rule.list)) continue;
    if (evaluate(rule.when, attrs)) out.push({ rule, regions: rule.regions, keep: rule.keep });
  }
  return out;
}

/** The regions to blank from graylist matches (the only list that names regions). */
export function regionsToMask(matches: readonly PixelMatch[]): {
  regions: Region[];
  keep: Region[];
} {
  const gray = matches.filter((m) => m.rule.list === 'graylist');
  return { regions: gray.flatMap((m) => m.regions), keep: gray.flatMap((m) => m.keep) };
}
