// A key's fingerprint for comparing by voice: six groups of five digits from its SHA-256.
import { sha256 } from '../deid/sha256';
import { utf8Bytes } from './canonical';
import type { AuthorKey } from './types';

export function fingerprint(author: AuthorKey): string {
  const h = sha256(utf8Bytes(author));
  const groups: string[] = [];
  for (let i = 0; i < 12; i += 2)
    groups.push(String(((h[i] ?? 0) << 8) | (h[i + 1] ?? 0)).padStart(5, '0'));
  return groups.join(' ');
}
