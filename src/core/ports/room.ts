// The sync transport the ledger service publishes to and hears from: one room per study
// and epoch. src/adapters/sync/room.ts provides it over Yjs and y-webrtc. What arrives here
// is untrusted text; the fold decides.
export interface RoomOptions {
  name: string;
  password: string;
  relays: string[];
  seed: { id: string; text: string }[];
  peerOpts?: object;
}

export type Via = 'webrtc' | 'tab';

export interface RoomStatus {
  state: 'offline' | 'connecting' | 'online';
  relays: { url: string; connected: boolean }[];
  lastSyncedAt: string | null;
}

export interface RoomTransport {
  publish(items: { id: string; text: string }[]): void;
  onRemote(cb: (items: { id: string; text: string; via: Via }[]) => void): () => void;
  setPresence(state: Record<string, unknown>): void;
  presence(): { peer: string; state: Record<string, unknown>; via: Via }[];
  status(): RoomStatus;
  onChange(cb: () => void): () => void;
  destroy(): void;
}

export type OpenRoom = (opts: RoomOptions) => RoomTransport;
