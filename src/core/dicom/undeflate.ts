// A deflated file rewritten as Explicit VR Little Endian: the same meta information (its
// Transfer Syntax UID and group length changed) followed by the inflated dataset. The viewer
// needs it: Cornerstone's loader reads an image's metadata through dcmjs, which does not
// inflate, so a deflated file showed "no pixel data" (test/e2e/deflate.spec.ts).
import type { Inflate } from '../index/record';
import { parseDicomBytes } from './file';
import { EXPLICIT_VR_LE } from './transfer-syntax';

const TRANSFER_SYNTAX = 0x00020010;
const GROUP_LENGTH = 0x00020000;

/** The rewritten file, or null when `bytes` is not a deflated file this can rewrite. */
export async function undeflate(
  bytes: Uint8Array,
  inflate: Inflate,
  maxBytes: number,
): Promise<Uint8Array | null> {
  const first = parseDicomBytes(bytes);
  if (first.kind !== 'deflated') return null;
  const ts = first.meta.byTag.get(TRANSFER_SYNTAX);
  // Explicit VR with a 2-byte length, as the meta information always is.
  if (!ts || ts.valueOffset - ts.offset !== 8) return null;
  const inflated = await inflate(bytes.subarray(first.streamOffset), maxBytes);
  const uid = new TextEncoder().encode(`${EXPLICIT_VR_LE}\0`);
  const rest = bytes.subarray(ts.valueOffset + ts.length, first.streamOffset);
  const out = new Uint8Array(ts.valueOffset + uid.length + rest.length + inflated.length);
  out.set(bytes.subarray(0, ts.valueOffset));
  out.set(uid, ts.valueOffset);
  out.set(rest, ts.valueOffset + uid.length);
  out.set(inflated, ts.valueOffset + uid.length + rest.length);
  const view = new DataView(out.buffer);
  view.setUint16(ts.valueOffset - 2, uid.length, true);
  const group = first.meta.byTag.get(GROUP_LENGTH);
  if (group && group.length === 4 && group.offset < ts.offset) {
    const before = view.getUint32(group.valueOffset, true);
    view.setUint32(group.valueOffset, before - ts.length + uid.length, true);
  }
  return out;
}
