// Command-line options of `trialbench deid`, read with node:util parseArgs (one place).
import { parseArgs } from 'node:util';
import { parseSiteRule, type SiteRule } from '../core/deid/run/site';
import { EXIT_CODES_TEXT } from './exit';

export interface DeidArgs {
  input: string;
  output: string;
  profile?: string;
  key?: string;
  mapping?: string;
  visits?: string;
  prefix?: string;
  operator?: string;
  waiveFacialRisk?: string;
  passBurnedIn?: string;
  /** A JSON file of review decisions per source series. */
  review?: string;
  /** The external defacing tool and version: every facial-risk series is attested defaced. */
  attestDefaced?: string;
  siteRules: SiteRule[];
  maskBurnedIn: boolean;
  cleanPixelData: boolean;
  trial: Record<string, string>;
  compareGdcm: boolean;
  /** Stop after this many newly written files (tests of resume). */
  limit?: number;
  /** Output stages in worker threads (default: from the cores; 0: all in this thread). */
  workers?: number;
  quiet: boolean;
}

export const DEID_USAGE = `usage: trialbench deid <in> <out> [options]

  --site-rule '<folder glob>=<SITE>'
                                   files under matching input folders belong to SITE
                                   (repeatable; e.g. 'siteA/**=101'). There is no default
                                   site: a file's site comes from a rule, else the mapping's
                                   site column, else its own Clinical Trial Site ID; a file
                                   none of them places is held
  --profile <file>                 study profile (JSON); default Basic Profile with
                                   Retain Longitudinal Temporal Information, Modified Dates
  --key <file>                     pseudonym key (32 bytes, raw or hex); default: created
                                   or reused beside <out> as <out>.deid-key
  --mapping <csv>                  site,patient_id,subject_id (EDC subject IDs)
  --visits <csv>                   visit,study_date|accession[,site,patient_id]
  --prefix <text>                  prefix of keyed pseudonyms (default TB-)
  --trial key=value                sponsorName, protocolId, protocolName, siteName
  --waive-facial-risk "<why>"      write head and neck CT/MR/PT (recorded)
  --attest-defaced "<tool version>"
                                   head and neck series were defaced by this external
                                   tool (recorded); not with --waive-facial-risk
  --pass-burned-in "<why>"         write images at risk of burned-in text (recorded)
  --mask-burned-in                 blank burned-in text by pixel rules in images at risk
                                   (native and RLE data; compressed data, or no rule
                                   for the image, is held); not with --pass-burned-in
  --clean-pixel-data               turn on the Clean Pixel Data option: blank rule regions
                                   in every image; 113101 is written only where pixels
                                   actually changed
  --review <json>                  decisions per source series, before the flags above:
                                   [{"series": "<source SeriesInstanceUID>",
                                     "burnedIn": {"action": "pass"|"mask"|"exclude",
                                       "justification", "by", "at" (ISO 8601),
                                       "regions": [{"x0","y0","x1","y1"}] (mask only)},
                                     "facial": {"action": "waive"|"defaced"|"exclude",
                                       "justification", "by", "at",
                                       "tool" (defaced only, required)}}]
                                   excluded series are held back and recorded
  --operator <name>                who runs it (default: the login name)
  --workers <n>                    threads that de-identify files (default: one per core
                                   but one, 1 to 4; 0: none, all in the main thread)
  --compare-gdcm                   also time gdcmanon on the same files and print the ratio
  --limit <n>                      stop after n newly written files (resume later)
  --quiet                          summary only
  -h, --help                       this text

${EXIT_CODES_TEXT}`;

const TRIAL_KEYS = new Set(['sponsorName', 'protocolId', 'protocolName', 'siteName']);

const OPTIONS = {
  profile: { type: 'string' },
  key: { type: 'string' },
  mapping: { type: 'string' },
  visits: { type: 'string' },
  prefix: { type: 'string' },
  operator: { type: 'string' },
  'waive-facial-risk': { type: 'string' },
  'pass-burned-in': { type: 'string' },
  review: { type: 'string' },
  'attest-defaced': { type: 'string' },
  'site-rule': { type: 'string', multiple: true },
  trial: { type: 'string', multiple: true },
  limit: { type: 'string' },
  workers: { type: 'string' },
  'compare-gdcm': { type: 'boolean' },
  quiet: { type: 'boolean' },
  'mask-burned-in': { type: 'boolean' },
  'clean-pixel-data': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** A usage error: one line saying what to do. */
export function parseDeidArgs(argv: readonly string[]): DeidArgs | 'help' | string {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    // parseArgs' errors carry a code; its sentence names the option.
    const m = (e as Error).message.split('\n')[0] ?? '';
    return `${m.replace(/\.$/, '')}; see trialbench deid --help`;
  }
  const v = parsed.values;
  if (v.help) return 'help';
  const pos = parsed.positionals;
  if (pos.length !== 2)
    return `need exactly <in> and <out> (got ${pos.length} folder(s)); see trialbench deid --help`;
  for (const k of Object.keys(v) as Array<keyof typeof v>) {
    const x = v[k];
    if (typeof x === 'string' && x.trim() === '') return `--${k} needs a value`;
  }
  const trial: Record<string, string> = {};
  const siteRules: SiteRule[] = [];
  for (const t of v.trial ?? []) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(t);
    if (m?.[1] === 'siteId')
      return `--trial siteId is gone (one site for a whole folder guessed wrong): use --site-rule '**=${m[2] ?? 'SITE'}' or one rule per site folder`;
    if (!m || !TRIAL_KEYS.has(m[1] ?? ''))
      return `--trial needs key=value with key one of ${[...TRIAL_KEYS].join(', ')}`;
    trial[m[1] ?? ''] = m[2] ?? '';
  }
  for (const r of v['site-rule'] ?? []) {
    const rule = parseSiteRule(r);
    if (typeof rule === 'string') return `--site-rule: ${rule}`;
    siteRules.push(rule);
  }
  const whole = (name: string, text: string | undefined): number | string | undefined => {
    if (text === undefined) return undefined;
    const n = Number(text);
    return Number.isInteger(n) && n >= 0 ? n : `--${name} needs a whole number, got '${text}'`;
  };
  const limit = whole('limit', v.limit);
  if (typeof limit === 'string') return limit;
  const workers = whole('workers', v.workers);
  if (typeof workers === 'string') return workers;
  // One global answer per risk: which would win is a rule nobody should have to remember.
  if (v['mask-burned-in'] && v['pass-burned-in'])
    return '--mask-burned-in and --pass-burned-in exclude each other: choose one';
  if (v['attest-defaced'] && v['waive-facial-risk'])
    return '--attest-defaced and --waive-facial-risk exclude each other: choose one';
  const opt = <K extends string>(k: K, x: string | undefined) => (x ? { [k]: x } : {});
  return {
    input: pos[0] ?? '',
    output: pos[1] ?? '',
    ...opt('profile', v.profile),
    ...opt('key', v.key),
    ...opt('mapping', v.mapping),
    ...opt('visits', v.visits),
    ...opt('prefix', v.prefix),
    ...opt('operator', v.operator),
    ...opt('waiveFacialRisk', v['waive-facial-risk']),
    ...opt('passBurnedIn', v['pass-burned-in']),
    ...opt('review', v.review),
    ...opt('attestDefaced', v['attest-defaced']),
    ...(limit !== undefined ? { limit } : {}),
    ...(workers !== undefined ? { workers } : {}),
    siteRules,
    trial,
    maskBurnedIn: Boolean(v['mask-burned-in']),
    cleanPixelData: Boolean(v['clean-pixel-data']),
    compareGdcm: Boolean(v['compare-gdcm']),
    quiet: Boolean(v.quiet),
  };
}
