// Which site a source file belongs to (DEID-81). There is no default site: a folder may
// hold several sites' data. In order: a folder rule the user set (`folder glob = SITE`),
// the subject mapping's site column (when it names exactly one site for the patient), the
// Clinical Trial Site ID already in the file. A file none of them places is held.
import type { SubjectMapping } from './pseudonym';

export interface SiteRule {
  /** A glob over the source's path relative to the input folder ('*', '**', '?'). */
  glob: string;
  site: string;
}

export type SiteSource = 'rule' | 'mapping' | 'file';

/** `glob=SITE`, e.g. `siteA/**=101`; a string when it cannot be read. */
export function parseSiteRule(text: string): SiteRule | string {
  const at = text.lastIndexOf('=');
  const glob = at < 0 ? '' : text.slice(0, at).trim();
  const site = at < 0 ? '' : text.slice(at + 1).trim();
  if (!glob || !site) return `a site rule is folderGlob=SITE (e.g. 'siteA/**=101'), got '${text}'`;
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(site))
    return `site '${site}': use letters, digits, '.', '_' or '-' (at most 64)`;
  return { glob: glob.replace(/\\/g, '/').replace(/^\.?\/+/, ''), site };
}

/** Site rules, one per line (blank lines and lines starting with # ignored). */
export function parseSiteRules(text: string): { rules: SiteRule[]; errors: string[] } {
  const rules: SiteRule[] = [];
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (!t || t.startsWith('#')) return;
    const r = parseSiteRule(t);
    if (typeof r === 'string') errors.push(`line ${i + 1}: ${r}`);
    else rules.push(r);
  });
  return { rules, errors };
}

function globRegex(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] ?? '';
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  // A rule naming a folder covers everything under it.
  return new RegExp(`^${re}(/.*)?$`);
}

/** True when `glob` matches the path or one of its folders. */
export function globMatches(glob: string, path: string): boolean {
  return globRegex(glob).test(path);
}

/** The one site the mapping gives this patient, or null (none, or several). */
function mappedSite(mapping: SubjectMapping | undefined, patientId: string): string | null {
  if (!mapping) return null;
  let found: string | null = null;
  for (const k of mapping.bySitePatient.keys()) {
    const cut = k.indexOf('\0');
    if (k.slice(cut + 1) !== patientId) continue;
    const site = k.slice(0, cut);
    if (!site || (found !== null && found !== site)) return null;
    found = site;
  }
  return found;
}

export function siteFor(
  input: { path: string; patientId: string; fileSiteId: string },
  rules: readonly SiteRule[],
  mapping: SubjectMapping | undefined,
): { site: string; from: SiteSource } | null {
  const rule = rules.find((r) => globMatches(r.glob, input.path));
  if (rule) return { site: rule.site, from: 'rule' };
  const mapped = input.patientId ? mappedSite(mapping, input.patientId) : null;
  if (mapped) return { site: mapped, from: 'mapping' };
  const own = input.fileSiteId.trim();
  if (own) return { site: own, from: 'file' };
  return null;
}

export const NO_SITE =
  'no site for this file: set a folder-to-site rule, give the patient a site in the mapping, ' +
  'or de-identify files that carry a Clinical Trial Site ID';
