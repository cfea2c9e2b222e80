// Invites travel as a link (data in the URL fragment, never sent to a server) or as a
// file with the same JSON. Both carry the room secret: whoever holds one can ask to join.
import { fingerprint, fromBase64url, toBase64url } from '../../adapters/crypto/identity';
import { fail, ok, type LedgerResult } from './result';

export interface InvitePayload {
  study: string;
  name: string;
  secret: string;
  epoch: number;
  relays: string[];
  adminFingerprint: string;
  adminKey: string;
}

export type InviteCode = 'invite-unreadable' | 'invite-incomplete' | 'invite-inconsistent';

const FORMAT = 'trialbench-invite';

export function inviteLink(appUrl: string, p: InvitePayload): string {
  const base = appUrl.split('#')[0] ?? '';
  return `${base}#join=${toBase64url(new TextEncoder().encode(JSON.stringify(p)))}`;
}

export function inviteFile(p: InvitePayload): string {
  return JSON.stringify({ format: FORMAT, v: 1, ...p }, null, 2);
}

/** Accepts a link, a `#join=` fragment, the bare base64url or the file text. */
export async function parseInvite(input: string): Promise<LedgerResult<InvitePayload, InviteCode>> {
  const text = input.trim();
  let json: unknown;
  try {
    if (text.startsWith('{')) json = JSON.parse(text);
    else {
      const at = text.indexOf('join=');
      const b64 = (at >= 0 ? text.slice(at + 5) : text).split('&')[0] ?? '';
      json = JSON.parse(new TextDecoder().decode(fromBase64url(b64)));
    }
  } catch {
    return fail('invite-unreadable', 'This is not a Trialbench invite (it could not be read)');
  }
  const p = json !== null && typeof json === 'object' ? (json as Partial<InvitePayload>) : {};
  const { study, name, secret, epoch, relays, adminKey, adminFingerprint } = p;
  if (
    typeof study !== 'string' ||
    !/^[0-9a-f]{64}$/.test(study) ||
    typeof name !== 'string' ||
    typeof secret !== 'string' ||
    !longSecret(secret) ||
    typeof epoch !== 'number' ||
    !Number.isSafeInteger(epoch) ||
    epoch < 0 ||
    !Array.isArray(relays) ||
    !relays.every((r) => typeof r === 'string' && /^wss?:\/\//.test(r)) ||
    typeof adminKey !== 'string' ||
    typeof adminFingerprint !== 'string'
  ) {
    return fail('invite-incomplete', 'This invite is incomplete or damaged');
  }
  if ((await fingerprint(adminKey)) !== adminFingerprint) {
    return fail(
      'invite-inconsistent',
      "This invite is inconsistent: the admin's key does not match its fingerprint",
    );
  }
  return ok({ study, name: name.slice(0, 256), secret, epoch, relays, adminFingerprint, adminKey });
}

/** At least 16 bytes of base64url (a secret that is not base64url at all is damaged). */
function longSecret(secret: string): boolean {
  try {
    return fromBase64url(secret).length >= 16;
  } catch {
    return false;
  }
}
