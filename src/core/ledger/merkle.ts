// An append-only Merkle tree (RFC 6962 shape: leaves 0x00||id, nodes 0x01||left||right),
// kept as the peaks of its perfect subtrees so each append costs O(log n).
import { sha256 } from '../deid/sha256';
import { fromHex, toHex } from './base64url';

function hashNode(left: Uint8Array, right: Uint8Array): Uint8Array {
  const buf = new Uint8Array(65);
  buf[0] = 1;
  buf.set(left, 1);
  buf.set(right, 33);
  return sha256(buf);
}

export class MerkleLog {
  private readonly peaks: { height: number; hash: Uint8Array }[] = [];
  count = 0;

  append(id: string): void {
    const leaf = new Uint8Array(33);
    leaf.set(fromHex(id), 1);
    let peak = { height: 0, hash: sha256(leaf) };
    for (;;) {
      const top = this.peaks[this.peaks.length - 1];
      if (!top || top.height !== peak.height) break;
      this.peaks.pop();
      peak = { height: peak.height + 1, hash: hashNode(top.hash, peak.hash) };
    }
    this.peaks.push(peak);
    this.count++;
  }

  root(): string {
    const last = this.peaks[this.peaks.length - 1];
    if (!last) return toHex(sha256(new Uint8Array(0)));
    let acc = last.hash;
    for (let i = this.peaks.length - 2; i >= 0; i--)
      acc = hashNode((this.peaks[i] as { hash: Uint8Array }).hash, acc);
    return toHex(acc);
  }
}
