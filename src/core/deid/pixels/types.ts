// The rule format for burned-in text regions. The generated table (rules.generated.ts)
// and user rules carried by a profile share it, so both go through one matcher.

/** One test on one attribute, by keyword. Values are alternatives (the source's `a|b`). */
export interface RuleTerm {
  kind: 'term';
  /** contains: case-insensitive substring of any value; equals: case-insensitive,
   *  trimmed, equal to any value; missing: attribute absent; empty: present, blank;
   *  present: present and not blank. */
  op: 'contains' | 'equals' | 'missing' | 'empty' | 'present';
  field: string;
  values: string[];
}

export type RuleExpr = RuleTerm | { kind: 'and'; of: RuleExpr[] } | { kind: 'or'; of: RuleExpr[] };

/** A rectangle in pixels, origin top-left, corners inclusive-exclusive: [x0, x1) x [y0, y1).
 *  `whole` blanks the image (x1/y1 are then ignored). */
export interface Region {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  whole?: boolean;
}

/**
 * whitelist: the source's "known clean" rules; graylist: rules naming regions to blank
 * (or, without regions, images to flag); blacklist: images the source rejects outright.
 */
export type RuleList = 'whitelist' | 'graylist' | 'blacklist';

export interface PixelRule {
  label: string;
  /** Who contributed it, from the source's trailing `# (...)` comment; '' when none. */
  note: string;
  list: RuleList;
  /** File name and 1-based line of the LABEL; 'user' for rules from a profile. */
  source: string;
  line: number;
  when: RuleExpr;
  /** Regions to blank. */
  regions: Region[];
  /** Regions to keep: everything outside all of them is blanked. */
  keep: Region[];
}

/** A source rule the generator could not carry over, and why. */
export interface SkippedRule {
  label: string;
  source: string;
  line: number;
  reason: string;
}
