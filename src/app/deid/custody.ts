// Custody of the pseudonym key and of the re-identification map. The key stays in this
// browser; it leaves only encrypted (a backup file) and every backup export and import is
// recorded. The map (original patient ID <-> pseudonym) is made on demand, only for an
// admin of the current study, and recorded by count and file hash, never by content.
import { keyFingerprint, keyedPseudonym, siteFor, type SubjectMapping } from '../../core/deid/run';
import type { Json, Role } from '../../core/ledger/types';
import type {
  DeidCustodyApi,
  KeyImportPreview,
  ReidMapRequest,
  SavedFile,
} from '../../ui/state/deid-api';
import { fail, ok, type DeidResult, type KeyBackupProblem } from '../../ui/state/deid-result';
import { exportKeyBackup, keyBackupName, MIN_KEY_PASSPHRASE, readKeyBackup } from './key-backup';

export interface KeyHolder {
  key(): Promise<Uint8Array>;
  replace(key: Uint8Array): Promise<void>;
}

export interface CustodyDeps {
  keys: KeyHolder;
  record: (type: string, body: { [key: string]: Json }) => Promise<unknown>;
  /** This person's role in the current study (null: none, or no study). */
  role: () => Promise<Role | null>;
  /** The PatientIDs indexed in an input folder, each with the path of one of its files. */
  patients: (inputId: string) => Promise<Array<{ patientId: string; path: string }>>;
}

/** The subject ID a run would give: from the mapping when there is one, else keyed. */
export function pseudonymFor(
  key: Uint8Array,
  site: string,
  patientId: string,
  mapping?: SubjectMapping,
  prefix?: string,
): string | null {
  if (mapping) {
    return (
      mapping.bySitePatient.get(`${site}\0${patientId}`) ??
      mapping.bySitePatient.get(`\0${patientId}`) ??
      null
    );
  }
  return keyedPseudonym(key, site, patientId, prefix || undefined);
}

function csvField(v: string): string {
  return /[",\r\n;]/.test(v) || v !== v.trim() ? `"${v.replace(/"/g, '""')}"` : v;
}

/**
 * The map as CSV with the subject mapping's own header, so it can be imported back as a
 * mapping (e.g. to keep the same subject IDs after a key was lost). A patient that a
 * mapping does not cover has an empty subject ID (the run holds its files).
 */
export function reidMapCsv(
  rows: ReadonlyArray<{ site: string; patientId: string; subject: string }>,
) {
  const lines = ['site,patient_id,subject_id'];
  for (const r of rows) lines.push([r.site, r.patientId, r.subject].map(csvField).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

async function sha256Hex(text: string): Promise<string> {
  const d = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, '0')).join('');
}

export class DeidCustody implements DeidCustodyApi {
  /** A decrypted backup waiting for the person to confirm the replacement. */
  private pending: { key: Uint8Array; fingerprint: string } | null = null;

  constructor(private readonly deps: CustodyDeps) {}

  role(): Promise<Role | null> {
    return this.deps.role();
  }

  async exportKey(passphrase: string): Promise<DeidResult<SavedFile, 'short-passphrase'>> {
    if (passphrase.length < MIN_KEY_PASSPHRASE)
      return fail(
        'short-passphrase',
        `Choose a passphrase of at least ${MIN_KEY_PASSPHRASE} characters.`,
      );
    const key = await this.deps.keys.key();
    const text = await exportKeyBackup(key, passphrase);
    const fingerprint = keyFingerprint(key);
    // Recorded before the file is handed out: no unrecorded copy of the key.
    await this.deps.record('deid.key.export', { fingerprint });
    return ok({
      blob: new Blob([text], { type: 'application/json' }),
      name: keyBackupName(fingerprint),
    });
  }

  async openKeyBackup(
    text: string,
    passphrase: string,
  ): Promise<DeidResult<KeyImportPreview, KeyBackupProblem>> {
    this.pending = null;
    const read = await readKeyBackup(text, passphrase);
    if (!read.ok) return fail(read.problem, read.message);
    const current = keyFingerprint(await this.deps.keys.key());
    if (read.fingerprint !== current)
      this.pending = { key: read.key, fingerprint: read.fingerprint };
    return ok({ current, incoming: read.fingerprint, same: read.fingerprint === current });
  }

  async confirmKeyImport(incoming: string): Promise<DeidResult<string, 'backup-not-open'>> {
    const p = this.pending;
    if (!p || p.fingerprint !== incoming)
      return fail('backup-not-open', 'Open the key backup again first.');
    const previous = keyFingerprint(await this.deps.keys.key());
    await this.deps.record('deid.key.import', { fingerprint: p.fingerprint, previous });
    await this.deps.keys.replace(p.key);
    this.pending = null;
    return ok(p.fingerprint);
  }

  cancelKeyImport(): void {
    this.pending = null;
  }

  async exportReidMap(
    req: ReidMapRequest,
  ): Promise<DeidResult<SavedFile & { count: number }, 'not-admin'>> {
    if ((await this.deps.role()) !== 'admin')
      return fail(
        'not-admin',
        'Only an admin of the current study may export the re-identification map.',
      );
    const key = await this.deps.keys.key();
    // Each patient's site as the run would tell it (DEID-81); unplaced: site and subject empty.
    const seen = new Map<string, { site: string; patientId: string; subject: string }>();
    for (const { patientId, path } of await this.deps.patients(req.inputId)) {
      if (!patientId) continue;
      const site = siteFor({ path, patientId, fileSiteId: '' }, req.siteRules, req.mapping)?.site;
      const row = {
        site: site ?? '',
        patientId,
        subject:
          site === undefined
            ? ''
            : (pseudonymFor(key, site, patientId, req.mapping, req.pseudonymPrefix) ?? ''),
      };
      seen.set(`${row.site}\0${patientId}`, row);
    }
    const rows = [...seen.values()].sort((a, b) =>
      a.patientId < b.patientId ? -1 : a.patientId > b.patientId ? 1 : a.site < b.site ? -1 : 1,
    );
    const sites = [...new Set(rows.map((r) => r.site).filter(Boolean))];
    const site = sites.length === 1 ? (sites[0] ?? '') : 'sites';
    const text = reidMapCsv(rows);
    const fingerprint = keyFingerprint(key);
    await this.deps.record('deid.reidmap.export', {
      count: rows.length,
      keyFingerprint: fingerprint,
      fileSha256: await sha256Hex(text),
      pseudonyms: req.mapping ? 'mapping' : 'keyed',
    });
    return ok({
      blob: new Blob([text], { type: 'text/csv' }),
      name: `trialbench-reidentification-map-${site.replace(/[^\w-]/g, '_') || 'site'}-${fingerprint.replace(/:/g, '-')}.csv`,
      count: rows.length,
    });
  }
}
