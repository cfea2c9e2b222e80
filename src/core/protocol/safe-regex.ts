// Regular expressions from a protocol file run on values from any site's files, so they
// must not backtrack catastrophically (QC-6). The allowed language is a small subset that
// a backtracking engine still runs in linear time on short inputs: no backreferences, no
// lookaround, and no quantifier applied to a group that itself contains a quantifier or an
// alternation (the shapes behind (a+)+, (a|a)*, (a*)*). Adjacent repetitions (\d+\d+) can
// still backtrack polynomially, so at most three unbounded repetitions are allowed and the
// input is capped: the worst case is then bounded by REGEX_INPUT_CAP^3 small steps.

/** Longest value a pattern is ever run on; longer values are cut (DICOM LO is 64). */
export const REGEX_INPUT_CAP = 256;
const MAX_UNBOUNDED = 3;

export type RegexProblem = { reason: string };

/** Null when the pattern is in the safe subset and compiles; else why not. */
export function unsafePattern(pattern: string): RegexProblem | null {
  if (pattern.length > 200) return { reason: 'longer than 200 characters' };
  if (/\\[1-9]|\\k</.test(pattern)) return { reason: 'backreferences are not allowed' };
  if (/\(\?[=!<]/.test(pattern)) return { reason: 'lookaround is not allowed' };
  // Walk the pattern, tracking for each open group whether it holds a quantifier or '|'.
  const stack: Array<{ risky: boolean }> = [];
  let inClass = false;
  let unbounded = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') stack.push({ risky: false });
    else if (c === ')') {
      const group = stack.pop();
      if (!group) return { reason: 'unbalanced parenthesis' };
      const next = pattern[i + 1];
      const quantified = next === '*' || next === '+' || next === '?' || next === '{';
      if (group.risky && quantified && next !== '?')
        return { reason: 'a repeated group contains a repetition or alternation' };
      if (stack.length && (group.risky || quantified)) stack[stack.length - 1]!.risky = true;
    } else if (c === '*' || c === '+' || c === '{' || c === '|') {
      if (stack.length) stack[stack.length - 1]!.risky = true;
    }
    if (c === '*' || c === '+' || (c === '{' && /^\{\d*,\}/.test(pattern.slice(i)))) unbounded++;
  }
  if (unbounded > MAX_UNBOUNDED)
    return { reason: `more than ${MAX_UNBOUNDED} unbounded repetitions` };
  if (stack.length) return { reason: 'unbalanced parenthesis' };
  if (inClass) return { reason: 'unterminated character class' };
  try {
    new RegExp(pattern);
  } catch {
    return { reason: 'not a valid regular expression' };
  }
  return null;
}

/** Compiles a pattern already accepted by unsafePattern. */
export function safeMatcher(pattern: string, ignoreCase: boolean): (value: string) => boolean {
  const re = new RegExp(pattern, ignoreCase ? 'i' : '');
  return (value) =>
    re.test(value.length > REGEX_INPUT_CAP ? value.slice(0, REGEX_INPUT_CAP) : value);
}
