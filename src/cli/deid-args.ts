// Command-line options of `trialbench deid`.
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
  maskBurnedIn: boolean;
  cleanPixelData: boolean;
  trial: Record<string, string>;
  compareGdcm: boolean;
  /** Stop after this many newly written files (tests of resume). */
  limit?: number;
  quiet: boolean;
}

export const DEID_USAGE = `usage: trialbench deid <in> <out> [options]

  --profile <file>                 study profile (JSON); default Basic Profile with
                                   Retain Longitudinal Temporal Information, Modified Dates
  --key <file>                     pseudonym key (32 bytes, raw or hex); default: created
                                   or reused beside <out> as <out>.deid-key
  --mapping <csv>                  site,patient_id,subject_id (EDC subject IDs)
  --visits <csv>                   visit,study_date|accession[,site,patient_id]
  --prefix <text>                  prefix of keyed pseudonyms (default TB-)
  --trial key=value                sponsorName, protocolId, protocolName, siteId, siteName
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
  --compare-gdcm                   also time gdcmanon on the same files and print the ratio
  --limit <n>                      stop after n newly written files (resume later)
  --quiet                          summary only
`;

const TRIAL_KEYS = new Set(['sponsorName', 'protocolId', 'protocolName', 'siteId', 'siteName']);

export function parseDeidArgs(argv: readonly string[]): DeidArgs | string {
  const positional: string[] = [];
  const out: Partial<DeidArgs> & { trial: Record<string, string> } = {
    trial: {},
    compareGdcm: false,
    quiet: false,
    maskBurnedIn: false,
    cleanPixelData: false,
  };
  const valued: Record<string, keyof DeidArgs> = {
    '--profile': 'profile',
    '--key': 'key',
    '--mapping': 'mapping',
    '--visits': 'visits',
    '--prefix': 'prefix',
    '--operator': 'operator',
    '--waive-facial-risk': 'waiveFacialRisk',
    '--pass-burned-in': 'passBurnedIn',
    '--review': 'review',
    '--attest-defaced': 'attestDefaced',
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    const field = valued[a];
    if (field) {
      const v = argv[++i];
      if (v === undefined || v.trim() === '') return `${a} needs a value`;
      (out as Record<string, unknown>)[field] = v;
    } else if (a === '--trial') {
      const m = /^([A-Za-z]+)=(.*)$/.exec(argv[++i] ?? '');
      if (!m || !TRIAL_KEYS.has(m[1] ?? '')) {
        return `--trial needs key=value with key one of ${[...TRIAL_KEYS].join(', ')}`;
      }
      out.trial[m[1] ?? ''] = m[2] ?? '';
    } else if (a === '--limit') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 0) return '--limit needs a whole number';
      out.limit = n;
    } else if (a === '--compare-gdcm') out.compareGdcm = true;
    else if (a === '--quiet') out.quiet = true;
    else if (a === '--mask-burned-in') out.maskBurnedIn = true;
    else if (a === '--clean-pixel-data') out.cleanPixelData = true;
    else if (a.startsWith('--')) return `unknown option ${a}`;
    else positional.push(a);
  }
  if (positional.length !== 2) return 'need exactly <in> and <out>';
  // One global answer per risk: which would win is a rule nobody should have to remember.
  if (out.maskBurnedIn && out.passBurnedIn)
    return '--mask-burned-in and --pass-burned-in exclude each other: choose one';
  if (out.attestDefaced && out.waiveFacialRisk)
    return '--attest-defaced and --waive-facial-risk exclude each other: choose one';
  return { ...out, input: positional[0] ?? '', output: positional[1] ?? '' } as DeidArgs;
}
