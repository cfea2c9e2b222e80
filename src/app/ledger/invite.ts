// Invites travel as a link (data in the URL fragment, never sent to a server) or as a
// file with the same JSON. Both carry the room secret: whoever holds one can ask to join.
import { fingerprint, fromBase64url, toBase64url } from '../../adapters/crypto/identity';

export interface InvitePayload {
  study: string;
  name: string;
  secret: string;
  epoch: number;
  relays: string[];
  adminFingerprint: string;
  adminKey: string;
}

const FORMAT = 'trialbench-invite';

export function inviteLink(appUrl: string, p: InvitePayload): string {
  const base = appUrl.split('#')[0]!;
  return `${base}#join=${toBase64url(new TextEncoder().encode(JSON.stringify(p)))}`;
}

export function inviteFile(p: InvitePayload): string {
  return JSON.stringify({ format: FORMAT, v: 1, ...p }, null, 2);
}

/** Accepts a link, a `#join=` fragment, the bare base64url or the file text. */
export async function parseInvite(input: string): Promise<InvitePayload> {
  const text = input.trim();
  let json: unknown;
  try {
    if (text.startsWith('{')) json = JSON.parse(text);
    else {
      const at = text.indexOf('join=');
      const b64 = (at >= 0 ? text.slice(at + 5) : text).split('&')[0]!;
      json = JSON.parse(new TextDecoder().decode(fromBase64url(b64)));
    }
  } catch {
    throw new Error('This is not a Trialbench invite (it could not be read)');
  }
  const p = json as Partial<InvitePayload>;
  const ok =
    typeof p.study === 'string' &&
    /^[0-9a-f]{64}$/.test(p.study) &&
    typeof p.name === 'string' &&
    typeof p.secret === 'string' &&
    fromBase64url(p.secret).length >= 16 &&
    Number.isSafeInteger(p.epoch) &&
    (p.epoch as number) >= 0 &&
    Array.isArray(p.relays) &&
    p.relays.every((r) => typeof r === 'string' && /^wss?:\/\//.test(r)) &&
    typeof p.adminKey === 'string' &&
    typeof p.adminFingerprint === 'string';
  if (!ok) throw new Error('This invite is incomplete or damaged');
  if ((await fingerprint(p.adminKey!)) !== p.adminFingerprint) {
    throw new Error("This invite is inconsistent: the admin's key does not match its fingerprint");
  }
  return {
    study: p.study!,
    name: p.name!.slice(0, 256),
    secret: p.secret!,
    epoch: p.epoch!,
    relays: p.relays!,
    adminFingerprint: p.adminFingerprint!,
    adminKey: p.adminKey!,
  };
}
