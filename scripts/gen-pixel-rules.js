// Generates src/core/deid/pixels/rules.generated.ts from the burned-in region rules of
// the pydicom/deid project (MIT; ../shared/data/pixel-rules/deid.dicom*). Only the data
// is used: this is our own reading of its documented format. Run:
//   node scripts/gen-pixel-rules.js
// PIXEL_RULES_DIR overrides the source folder. A line the grammar below does not cover
// stops the script rather than being dropped; a rule we cannot carry over (regions taken
// from attribute values, no conditions) is listed in SKIPPED_PIXEL_RULES with a reason.
//
// Grammar, as read here:
//   %filter whitelist|graylist|blacklist   starts a list; %header ends the rules.
//   LABEL <text> [# <note>]                starts a rule.
//   [+ | ||] <term> [|| <term>]...         a condition line. The terms on one line are
//                                          alternatives; a line starting with + is ANDed
//                                          with everything before it in its group, one
//                                          starting with || is ORed with it; a line with
//                                          no prefix starts a new group (groups are ORed).
//   <term> = contains|equals <Keyword> <a|b|...> | missing|empty|present <Keyword>
//   coordinates x0,y0,x1,y1 | all          corners (x1, y1 exclusive)
//   ctpcoordinates x,y,w,h                 CTP's form: x1 = x + w, y1 = y + h
//   keepcoordinates / ctpkeepcoordinates   regions to keep; the rest is blanked.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sourceDir =
  process.env.PIXEL_RULES_DIR ?? path.resolve(repoRoot, '../shared/data/pixel-rules');
const outFile = path.join(repoRoot, 'src/core/deid/pixels/rules.generated.ts');
const files = ['deid.dicom', 'deid.dicom.ultrasound', 'deid.dicom.xray.chest'];

// Keywords misspelt in the source; without the fix the rule could never match.
const FIELD_FIXES = { Manfacturer: 'Manufacturer', Manufacture: 'Manufacturer' };

const dictionaryText = readFileSync(
  path.join(repoRoot, 'src/core/dicom/dictionary.generated.ts'),
  'utf8',
);
const keywords = new Set(
  dictionaryText
    .split('\n')
    .map((l) => l.split(',')[4])
    .filter(Boolean),
);
// Keywords of nested attributes (CodeMeaning) are only matched when a caller flattens
// them into the attributes it passes; they are still dictionary keywords.

const OPS = new Set(['contains', 'equals', 'missing', 'empty', 'present']);

function fail(file, line, msg) {
  throw new Error(`${file}:${line}: ${msg}`);
}

function parseTerm(text, file, line) {
  const m = /^(\S+)\s+(\S+)(?:\s+(.*))?$/.exec(text.trim());
  if (!m || !OPS.has(m[1])) fail(file, line, `not a condition: ${text}`);
  const [, op, rawField, rest] = m;
  const field = FIELD_FIXES[rawField] ?? rawField;
  if (!keywords.has(field)) fail(file, line, `unknown keyword ${rawField}`);
  const needsValue = op === 'contains' || op === 'equals';
  if (needsValue !== Boolean(rest && rest.trim()))
    fail(file, line, `${op} ${needsValue ? 'needs' : 'takes no'} value`);
  const values = needsValue
    ? rest
        .split('|')
        .map((v) => v.trim())
        .filter((v) => v !== '')
    : [];
  return { kind: 'term', op, field, values };
}

function combine(kind, a, b) {
  const parts = [a, b].flatMap((e) => (e.kind === kind ? e.of : [e]));
  return { kind, of: parts };
}

function lineExpr(text, file, line) {
  const terms = text.split('||').map((t) => parseTerm(t, file, line));
  return terms.length === 1 ? terms[0] : { kind: 'or', of: terms };
}

function parseRegion(kind, arg, file, line) {
  if (arg === 'all' && kind === 'coordinates') return { x0: 0, y0: 0, x1: 0, y1: 0, whole: true };
  if (arg.startsWith('from:')) return { skip: `${kind} taken from attribute ${arg.slice(5)}` };
  const n = arg.split(',').map((s) => s.trim());
  if (n.length !== 4 || !n.every((s) => /^\d+$/.test(s))) fail(file, line, `bad ${kind} ${arg}`);
  const [a, b, c, d] = n.map(Number);
  const ctp = kind.startsWith('ctp');
  const r = ctp ? { x0: a, y0: b, x1: a + c, y1: b + d } : { x0: a, y0: b, x1: c, y1: d };
  if (r.x1 <= r.x0 || r.y1 <= r.y0) fail(file, line, `empty ${kind} ${arg}`);
  return r;
}

function parseFile(file) {
  const text = readFileSync(path.join(sourceDir, file), 'utf8');
  const lines = text.split(/\r?\n/);
  const rules = [];
  const skipped = [];
  let list = null;
  let rule = null;
  const finish = () => {
    if (!rule) return;
    const { groups, skip, ...r } = rule;
    rule = null;
    const base = { label: r.label, source: r.source, line: r.line };
    if (skip) return void skipped.push({ ...base, reason: skip });
    if (groups.length === 0)
      return void skipped.push({ ...base, reason: 'no conditions: it would match every image' });
    const when = groups.reduce((a, g) => combine('or', a, g));
    rules.push({ ...r, when });
  };
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i].trim();
    if (raw === '' || raw.startsWith('#') || raw.startsWith('FORMAT ')) continue;
    if (raw === '%header') {
      finish();
      break;
    }
    const filter = /^%filter\s+(whitelist|graylist|blacklist)$/.exec(raw);
    if (filter) {
      finish();
      list = filter[1];
      continue;
    }
    if (raw.startsWith('LABEL ')) {
      finish();
      if (!list) fail(file, lineNo, 'LABEL outside a %filter section');
      const body = raw.slice(6);
      const hash = body.indexOf('#');
      const label = (hash < 0 ? body : body.slice(0, hash)).trim();
      const note =
        hash < 0
          ? ''
          : body
              .slice(hash + 1)
              .trim()
              .replace(/^\((.*)\)$/, '$1');
      rule = { label, note, list, source: file, line: lineNo, groups: [], regions: [], keep: [] };
      continue;
    }
    if (!rule) fail(file, lineNo, `outside a LABEL: ${raw}`);
    const coord = /^(coordinates|ctpcoordinates|keepcoordinates|ctpkeepcoordinates)\s+(.+)$/.exec(
      raw,
    );
    if (coord) {
      const region = parseRegion(coord[1], coord[2].trim(), file, lineNo);
      if ('skip' in region) rule.skip = `${region.skip} (line ${lineNo}): not supported`;
      else (coord[1].includes('keep') ? rule.keep : rule.regions).push(region);
      continue;
    }
    const prefix = /^(\+|\|\|)\s*(.*)$/.exec(raw);
    const expr = lineExpr(prefix ? prefix[2] : raw, file, lineNo);
    const g = rule.groups;
    // A + or || on the first condition of a rule has nothing to join: it starts the group.
    if (!prefix || g.length === 0) g.push(expr);
    else g[g.length - 1] = combine(prefix[1] === '+' ? 'and' : 'or', g[g.length - 1], expr);
  }
  finish();
  const sha256 = createHash('sha256').update(text).digest('hex');
  return { rules, skipped, sha256 };
}

const all = files.map((f) => ({ file: f, ...parseFile(f) }));
const rules = all.flatMap((f) => f.rules);
const skipped = all.flatMap((f) => f.skipped);
const sources = all.map((f) => ({ file: f.file, sha256: f.sha256 }));

const source = `// GENERATED by scripts/gen-pixel-rules.js: do not edit; run the script instead.
// Source: pydicom/deid deid/data/deid.dicom* (MIT licence, Copyright (c) 2016-2022
// Vanessa Sochat and contributors), snapshot of 2026-01-12 (SHA-256 below). Many rules
// descend from RSNA CTP's pixel anonymizer script.
import type { PixelRule, SkippedRule } from './types';

export const PIXEL_RULES_SOURCE: readonly { file: string; sha256: string }[] = ${JSON.stringify(sources)};

export const PIXEL_RULES: readonly PixelRule[] = ${JSON.stringify(rules)};

export const SKIPPED_PIXEL_RULES: readonly SkippedRule[] = ${JSON.stringify(skipped)};
`;

const config = (await prettier.resolveConfig(outFile)) ?? {};
const formatted = await prettier.format(source, { ...config, filepath: outFile });
writeFileSync(outFile, formatted);
console.log(
  `${rules.length} rules, ${skipped.length} skipped -> ${path.relative(repoRoot, outFile)}`,
);
