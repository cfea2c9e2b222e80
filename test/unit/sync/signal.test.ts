import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// ws ships no types here; only the few members used below.
interface Ws {
  send(data: string | Buffer): void;
  close(): void;
  on(event: 'message', f: (data: Buffer) => void): void;
  on(event: 'close', f: (code: number) => void): void;
  once(event: 'open' | 'error', f: (e?: unknown) => void): void;
}
const wsModule = 'ws';
const { WebSocket } = (await import(/* @vite-ignore */ wsModule)) as {
  WebSocket: new (url: string, opts?: { autoPong?: boolean }) => Ws;
};

interface Relay {
  port: number;
  close(): Promise<void>;
}
type Start = (o: {
  host?: string;
  port?: number;
  quiet?: boolean;
  pingMs?: number;
}) => Promise<Relay>;

const relayPath = '../../../scripts/signal.js';
let relay: Relay;
let url: string;
let startRelay: Start;

beforeAll(async () => {
  ({ startRelay } = (await import(/* @vite-ignore */ relayPath)) as { startRelay: Start });
  relay = await startRelay({ port: 0, quiet: true });
  url = `ws://127.0.0.1:${relay.port}`;
});
afterAll(() => relay.close());

interface Client {
  ws: Ws;
  messages: unknown[];
  next(): Promise<unknown>;
  closed: Promise<number>;
}

async function client(): Promise<Client> {
  const ws = new WebSocket(url);
  const messages: unknown[] = [];
  let waiter: ((m: unknown) => void) | null = null;
  ws.on('message', (d) => {
    const m: unknown = JSON.parse(d.toString());
    if (waiter) {
      const w = waiter;
      waiter = null;
      w(m);
    } else messages.push(m);
  });
  const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
  await new Promise((r, j) => {
    ws.once('open', r);
    ws.once('error', j);
  });
  return {
    ws,
    messages,
    closed,
    next: () =>
      messages.length > 0
        ? Promise.resolve(messages.shift())
        : new Promise((r) => {
            waiter = r;
          }),
  };
}

const send = (c: Client, m: unknown) => c.ws.send(JSON.stringify(m));

describe('signaling relay', () => {
  it('answers ping and relays publish to subscribers of the topic only', async () => {
    const a = await client();
    const b = await client();
    const other = await client();
    send(a, { type: 'ping' });
    expect(await a.next()).toEqual({ type: 'pong' });
    send(a, { type: 'subscribe', topics: ['room-1'] });
    send(b, { type: 'subscribe', topics: ['room-1'] });
    send(other, { type: 'subscribe', topics: ['room-2'] });
    // A round trip on b proves its subscribe was handled before a publishes.
    send(b, { type: 'ping' });
    expect(await b.next()).toEqual({ type: 'pong' });
    send(a, { type: 'publish', topic: 'room-1', data: 'hello', extra: 'dropped' });
    expect(await b.next()).toEqual({ type: 'publish', topic: 'room-1', data: 'hello', clients: 2 });
    expect(await a.next()).toEqual({ type: 'publish', topic: 'room-1', data: 'hello', clients: 2 });
    send(other, { type: 'ping' });
    expect(await other.next()).toEqual({ type: 'pong' });
    // Not subscribed: nothing is relayed.
    send(other, { type: 'publish', topic: 'room-1', data: 'intruder' });
    send(b, { type: 'unsubscribe', topics: ['room-1'] });
    send(a, { type: 'publish', topic: 'room-1', data: 'after' });
    expect(await a.next()).toEqual({ type: 'publish', topic: 'room-1', data: 'after', clients: 1 });
    send(b, { type: 'ping' });
    expect(await b.next()).toEqual({ type: 'pong' });
    for (const c of [a, b, other]) c.ws.close();
  });

  it('closes connections that send garbage or oversized messages, and keeps serving others', async () => {
    const abusive: [string, (c: Client) => void][] = [
      ['not json', (c) => c.ws.send('{nope')],
      ['array', (c) => send(c, [1, 2])],
      ['null', (c) => send(c, null)],
      ['unknown type', (c) => send(c, { type: 'rm -rf' })],
      ['topics not an array', (c) => send(c, { type: 'subscribe', topics: 'room' })],
      ['topic not a string', (c) => send(c, { type: 'subscribe', topics: [{}] })],
      ['topic too long', (c) => send(c, { type: 'subscribe', topics: ['x'.repeat(1000)] })],
      [
        'too many topics',
        (c) =>
          send(c, { type: 'subscribe', topics: Array.from({ length: 100 }, (_, i) => `t${i}`) }),
      ],
      ['publish without topic', (c) => send(c, { type: 'publish', data: 1 })],
      ['binary', (c) => c.ws.send(Buffer.from([1, 2, 3]))],
      ['oversized', (c) => send(c, { type: 'ping', pad: 'x'.repeat(70 * 1024) })],
    ];
    const healthy = await client();
    for (const [label, act] of abusive) {
      const c = await client();
      act(c);
      const code = await c.closed;
      expect(code, label).toBeGreaterThanOrEqual(1008);
      send(healthy, { type: 'ping' });
      expect(await healthy.next(), label).toEqual({ type: 'pong' });
    }
    healthy.ws.close();
  });

  it('drops a peer that stops answering pings, and keeps one that answers', async () => {
    const fast = await startRelay({ port: 0, quiet: true, pingMs: 50 });
    try {
      const dead = new WebSocket(`ws://127.0.0.1:${fast.port}`, { autoPong: false });
      const live = new WebSocket(`ws://127.0.0.1:${fast.port}`);
      const liveClosed = new Promise<number>((r) => live.on('close', r));
      const deadClosed = new Promise<number>((r) => dead.on('close', r));
      await Promise.all([dead, live].map((w) => new Promise((r) => w.once('open', r))));
      expect(await Promise.race([deadClosed, liveClosed.then(() => -1)])).not.toBe(-1);
      live.close();
    } finally {
      await fast.close();
    }
  });
});
