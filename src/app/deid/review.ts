// The review queue's data (issue 4 item 5): every series of an input folder at burned-in or
// facial risk, judged from one instance's header (the middle one, whose middle frame is the
// thumbnail), with the pixel rules' regions; decisions kept per folder in localStorage and
// recorded in the ledger by a keyed hash of the series, never its UID.
import { parseDicomBytes } from '../../core/dicom/file';
import type { ParsedDicom } from '../../core/dicom/types';

import { parseSource } from '../../core/dicom/inflating';
import { hasPixelData, type Inflate } from '../../core/index/record';
import { geometryFromDicom, pixelAttrsFromDicom } from '../../core/deid/pixels/from-dicom';
import { matchRules, regionsToMask } from '../../core/deid/pixels/match';
import { burnedInRisk, facialRisk } from '../../core/deid/pixels/risk';
import { RUN_PIXEL_RULES } from '../../core/deid/run/pixel-plan';
import type { BurnedInAnswer, FacialAnswer, ReviewDecision } from '../../core/deid/run/review';
import { hmacSha256, utf8 } from '../../core/deid/sha256';
import type { Json } from '../../core/ledger/types';
import type { IndexStore } from '../../core/ports/store';
import { renderThumbnail, type NoThumbnail, type Thumbnail } from '../../core/image/thumbnail';
import type { DeidReviewApi, ReviewItem, ReviewKind } from '../../ui/state/deid-review-api';
import { ok, type DeidResult } from '../../ui/state/deid-result';
import { SubjectDirectory } from '../subjects';

export interface ReviewDeps {
  store: Pick<IndexStore, 'listSeries' | 'listInstances'>;
  inputHandle: (id: string) => Promise<DeidResult<FileSystemDirectoryHandle, 'input-unavailable'>>;
  key: () => Promise<Uint8Array>;
  record: (type: string, body: { [key: string]: Json }) => Promise<unknown>;
  runBy: () => Promise<string>;
  storage?: Pick<Storage, 'getItem' | 'setItem'>;
  /**
   * Draws a whole file's thumbnail off the page, compressed syntaxes included (the
   * thumbnail worker and the viewer's codecs); absent: native and RLE only, drawn here.
   */
  thumbnail?: (bytes: Uint8Array) => Promise<Thumbnail | NoThumbnail>;
  /** Inflates deflated files (the run's own inflater); absent: deflated series are unread. */
  inflate?: Inflate;
}

const STORAGE_PREFIX = 'trialbench.deid.review.';

/** Whether a header (everything before Pixel Data will do) puts its series at risk. */
export function atRisk(header: Uint8Array, instances: number): boolean {
  const out = parseDicomBytes(header);
  if (out.kind !== 'parsed') return true; // unreadable here: let the full file decide
  const attrs = pixelAttrsFromDicom(out.dicom);
  return (
    burnedInRisk(attrs).atRisk || facialRisk(attrs, geometryFromDicom(out.dicom, instances)).atRisk
  );
}

/** What one file says about its series' risks, or null when it cannot be read. */
export function reviewOf(
  bytes: Uint8Array,
  instances: number,
  /** false: the caller draws the thumbnail (the field then says so until it does). */
  draw = true,
):
  | (Omit<
      ReviewItem,
      'series' | 'label' | 'modality' | 'instances' | 'bodyPart' | 'tag' | 'similarKey'
    > & { codes: string[] })
  | null {
  const out = parseDicomBytes(bytes);
  return out.kind === 'parsed' ? reviewOfDicom(out.dicom, instances, draw) : null;
}

/** reviewOf for a file already parsed (a deflated one, inflated first). */
function reviewOfDicom(
  d: ParsedDicom,
  instances: number,
  draw: boolean,
): ReturnType<typeof reviewOf> {
  if (!d.pixelData) return null;
  const attrs = pixelAttrsFromDicom(d);
  const burned = burnedInRisk(attrs);
  const facial = facialRisk(attrs, geometryFromDicom(d, instances));
  const masks = burned.atRisk
    ? regionsToMask(matchRules(attrs, RUN_PIXEL_RULES))
    : { regions: [], keep: [] };
  const named = (list: 'graylist' | 'blacklist') =>
    burned.atRisk
      ? matchRules(attrs, RUN_PIXEL_RULES, [list]).map(
          (m) => `${m.rule.label} (${m.rule.source} line ${m.rule.line})`,
        )
      : [];
  const thumbnail: Thumbnail | NoThumbnail = !(burned.atRisk || facial.atRisk)
    ? { code: 'not-at-risk', reason: 'not at risk' }
    : draw
      ? renderThumbnail(d)
      : { code: 'not-drawn-yet', reason: 'not drawn yet' };
  return {
    codes: [
      ...(burned.codes ?? []).map((c) => `b:${c}`),
      ...(facial.codes ?? []).map((c) => `f:${c}`),
    ],
    burnedIn: burned.reasons,
    facial: facial.reasons,
    thumbnail,
    ruleRegions: masks.regions,
    ruleKeep: masks.keep,
    rules: named('graylist'),
    blacklist: named('blacklist'),
  };
}

async function readFile(root: FileSystemDirectoryHandle, path: string): Promise<File> {
  let dir = root;
  const parts = path.split('/');
  for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p);
  return (await dir.getFileHandle(parts.at(-1)!)).getFile();
}

const bytesOf = async (b: Blob) => new Uint8Array(await b.arrayBuffer());

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

export class DeidReview implements DeidReviewApi {
  constructor(private readonly deps: ReviewDeps) {}

  private get storage(): Pick<Storage, 'getItem' | 'setItem'> | null {
    return this.deps.storage ?? (typeof localStorage === 'undefined' ? null : localStorage);
  }

  async queue(inputId: string): Promise<DeidResult<ReviewItem[], 'input-unavailable'>> {
    const handle = await this.deps.inputHandle(inputId);
    if (!handle.ok) return handle;
    const root = handle.value;
    const out: ReviewItem[] = [];
    for (const s of await this.deps.store.listSeries({ folderId: inputId })) {
      const inst = (await this.deps.store.listInstances(s.seriesInstanceUid))
        .filter((i) => i.folderId === inputId && !i.missing)
        .sort((a, b) => (a.instanceNumber ?? 0) - (b.instanceNumber ?? 0));
      const middle = inst[Math.floor(inst.length / 2)];
      if (!middle || !hasPixelData(middle)) continue;
      // A deflated file's header is compressed: it is read whole.
      const deflated = middle.pixelDataOffset === null;
      let found: ReturnType<typeof reviewOf>;
      let bytes: Uint8Array;
      try {
        const file = await readFile(root, middle.path);
        // The header alone says whether the series is at risk; pixels only for those that are.
        const header = file.slice(0, middle.pixelDataOffset ?? file.size);
        if (!deflated && !atRisk(await bytesOf(header), inst.length)) continue;
        bytes = await bytesOf(file);
        // Deflated files are inflated here as the run inflates them: a series the run holds
        // must never be missing from the only place where it can be decided.
        const parsed = await parseSource(bytes, this.deps.inflate);
        found =
          parsed.kind === 'parsed'
            ? reviewOfDicom(parsed.dicom, inst.length, !this.deps.thumbnail)
            : null;
      } catch {
        continue; // gone since the scan: the run will report it
      }
      if (!found || (!found.burnedIn.length && !found.facial.length)) continue;
      if (this.deps.thumbnail) {
        // A crashed worker costs the picture, not the queue: the reviewer is told why.
        found.thumbnail = await this.deps.thumbnail(bytes).catch((e: unknown): NoThumbnail => ({
          code: 'worker-failed',
          reason: `the thumbnail worker failed: ${e instanceof Error ? e.message : String(e)}`,
        }));
      }
      const { codes, ...item } = found;
      const tag = (await this.seriesRef(s.seriesInstanceUid)).slice(0, 6);
      const bodyPart = s.bodyPartExamined.trim().toUpperCase();
      out.push({
        series: s.seriesInstanceUid,
        label: [
          s.patientId,
          `series ${s.seriesNumber ?? '?'}`,
          s.seriesDescription.trim() || '(no description)',
          s.modality,
          `${inst.length} image${inst.length === 1 ? '' : 's'}`,
          `#${tag}`,
        ]
          .join(' · ')
          .replace(/\s+/g, ' '),
        modality: s.modality,
        bodyPart,
        instances: inst.length,
        tag,
        similarKey: [codes.sort().join(','), s.modality, bodyPart].join('|'),
        ...item,
      });
    }
    return ok(out);
  }

  async load(inputId: string): Promise<Array<[string, ReviewDecision]>> {
    const text = this.storage?.getItem(STORAGE_PREFIX + inputId);
    if (!text) return [];
    try {
      const v = JSON.parse(text) as unknown;
      return Array.isArray(v)
        ? v.filter(
            (e): e is [string, ReviewDecision] =>
              Array.isArray(e) && typeof e[0] === 'string' && !!e[1] && typeof e[1] === 'object',
          )
        : [];
    } catch {
      return [];
    }
  }

  async save(inputId: string, decisions: Array<[string, ReviewDecision]>): Promise<void> {
    this.storage?.setItem(STORAGE_PREFIX + inputId, JSON.stringify(decisions));
  }

  by(): Promise<string> {
    return this.deps.runBy();
  }

  /** The series as the ledger names it: 32 hex digits of HMAC-SHA-256 under the local key. */
  async seriesRef(series: string): Promise<string> {
    return hex(hmacSha256(await this.deps.key(), utf8(`review-series:${series}`))).slice(0, 32);
  }

  async record(
    series: string,
    kind: ReviewKind,
    answer: BurnedInAnswer | FacialAnswer | null,
  ): Promise<void> {
    await this.deps.record('deid.review', {
      series: await this.seriesRef(series),
      kind,
      action: answer ? answer.action : 'withdrawn',
      justification: answer?.justification ?? '',
      tool: (answer && 'tool' in answer && answer.tool) || null,
      // The series' subject by keyed reference (issue 11 §2), so its timeline finds this.
      subject: await new SubjectDirectory({
        store: this.deps.store,
        key: this.deps.key,
      }).ofOneSeries(series),
    });
  }
}
