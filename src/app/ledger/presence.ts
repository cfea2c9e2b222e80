// Presence as the ledger service signs and checks it (LEDGER-25): bound to the study, the
// room rotation (epoch) and a nonce fresh for each room join.
import { canonicalBytes } from '../../core/ledger/canonical';

export interface PresenceSigned {
  study: string;
  epoch: number;
  nonce: string;
  author: string;
  name: string;
  boxKey: string;
}

export function presenceBytes(p: PresenceSigned) {
  return canonicalBytes({
    study: p.study,
    epoch: p.epoch,
    nonce: p.nonce,
    author: p.author,
    name: p.name,
    boxKey: p.boxKey,
  });
}

export function presenceKey(p: PresenceSigned & { sig: string }): string {
  return [p.author, p.name, p.boxKey, p.epoch, p.nonce, p.sig].join('\n');
}

export interface PresenceState {
  study: string;
  /** The room rotation it was signed for: an old room's presence does not carry over. */
  epoch: number;
  /** Fresh per room join: the same signed presence from another peer is a replay. */
  nonce: string;
  author: string;
  name: string;
  boxKey: string;
  fingerprint: string;
  sig: string;
}

/** The signed fields of a presence state, when each has the right type and size. */
export function presenceOf(p: Record<string, unknown>): (PresenceSigned & { sig: string }) | null {
  const { study, epoch, nonce, author, name, boxKey, sig } = p;
  if (
    typeof study !== 'string' ||
    typeof epoch !== 'number' ||
    !Number.isSafeInteger(epoch) ||
    typeof nonce !== 'string' ||
    nonce.length < 16 ||
    nonce.length > 64 ||
    typeof author !== 'string' ||
    typeof name !== 'string' ||
    typeof boxKey !== 'string' ||
    typeof sig !== 'string' ||
    name.length > 256 ||
    sig.length > 200 ||
    boxKey.length > 200 ||
    author.length > 200
  )
    return null;
  return { study, epoch, nonce, author, name, boxKey, sig };
}
