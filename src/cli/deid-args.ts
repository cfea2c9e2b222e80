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
  --pass-burned-in "<why>"         write images at risk of burned-in text (recorded)
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
    else if (a.startsWith('--')) return `unknown option ${a}`;
    else positional.push(a);
  }
  if (positional.length !== 2) return 'need exactly <in> and <out>';
  return { ...out, input: positional[0] ?? '', output: positional[1] ?? '' } as DeidArgs;
}
