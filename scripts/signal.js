// `npm run signal`: our own signaling relay for y-webrtc. It only passes room-encrypted
// offers and answers between peers subscribed to a topic; it never sees entries.
// Binds 127.0.0.1 unless --lan; validates every message and closes connections that abuse it.
// Options: --port N (default 4444 or SIGNAL_PORT), --lan (bind 0.0.0.0).
import http from 'node:http';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { WebSocketServer } from 'ws';

export const LIMITS = {
  maxPayload: 64 * 1024,
  maxConnections: 256,
  maxTopicsPerConnection: 32,
  maxTopicLength: 200,
  /** Messages per connection per 10 s window; signaling needs a few dozen per peer. */
  maxMessagesPerWindow: 500,
  /** A receiver this far behind is dropped rather than buffered without bound. */
  maxBufferedBytes: 4 * 1024 * 1024,
};

const TYPES = new Set(['subscribe', 'unsubscribe', 'publish', 'ping']);

function isTopic(t) {
  return typeof t === 'string' && t.length > 0 && t.length <= LIMITS.maxTopicLength;
}

/** Returns the message if valid, else null. */
export function validate(raw) {
  let m;
  try {
    m = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!m || typeof m !== 'object' || Array.isArray(m) || !TYPES.has(m.type)) return null;
  if (m.type === 'subscribe' || m.type === 'unsubscribe') {
    if (!Array.isArray(m.topics) || m.topics.length > LIMITS.maxTopicsPerConnection) return null;
    if (!m.topics.every(isTopic)) return null;
  }
  if (m.type === 'publish' && !isTopic(m.topic)) return null;
  return m;
}

export function startRelay({
  host = '127.0.0.1',
  port = 4444,
  pingMs = 30_000,
  quiet = false,
} = {}) {
  const topics = new Map();
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('trialbench signaling relay\n');
  });
  const wss = new WebSocketServer({ server, maxPayload: LIMITS.maxPayload });

  const send = (conn, message) => {
    if (conn.readyState !== 1) return;
    if (conn.bufferedAmount > LIMITS.maxBufferedBytes) return conn.terminate();
    conn.send(JSON.stringify(message), (err) => err && conn.terminate());
  };

  wss.on('connection', (conn) => {
    if (wss.clients.size > LIMITS.maxConnections) return conn.close(1013, 'too many connections');
    const mine = new Set();
    let alive = true;
    let count = 0;
    let windowStart = Date.now();
    conn.on('pong', () => (alive = true));
    conn.on('error', () => conn.terminate());
    conn.on('close', () => {
      for (const name of mine) {
        const subs = topics.get(name);
        subs?.delete(conn);
        if (subs?.size === 0) topics.delete(name);
      }
      mine.clear();
    });
    conn.isAlive = () => {
      const was = alive;
      alive = false;
      return was;
    };
    conn.on('message', (data, isBinary) => {
      if (Date.now() - windowStart > 10_000) {
        windowStart = Date.now();
        count = 0;
      }
      if (++count > LIMITS.maxMessagesPerWindow) return conn.close(1008, 'too many messages');
      const m = isBinary ? null : validate(data.toString());
      if (!m) return conn.close(1008, 'invalid message');
      if (m.type === 'ping') return send(conn, { type: 'pong' });
      if (m.type === 'subscribe') {
        for (const name of m.topics) {
          if (mine.has(name)) continue;
          if (mine.size >= LIMITS.maxTopicsPerConnection)
            return conn.close(1008, 'too many topics');
          mine.add(name);
          if (!topics.has(name)) topics.set(name, new Set());
          topics.get(name).add(conn);
        }
      } else if (m.type === 'unsubscribe') {
        for (const name of m.topics) {
          mine.delete(name);
          const subs = topics.get(name);
          subs?.delete(conn);
          if (subs?.size === 0) topics.delete(name);
        }
      } else if (mine.has(m.topic)) {
        // Only subscribers may publish, and only the fields y-webrtc reads are passed on.
        const receivers = topics.get(m.topic);
        const out = { type: 'publish', topic: m.topic, data: m.data, clients: receivers.size };
        for (const r of receivers) send(r, out);
      }
    });
  });

  const pinger = setInterval(() => {
    for (const conn of wss.clients) {
      if (!conn.isAlive?.()) {
        conn.terminate();
        continue;
      }
      try {
        conn.ping();
      } catch {
        conn.terminate();
      }
    }
  }, pingMs);

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      const url = `ws://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
      if (!quiet) console.log(`signaling relay listening on ${url}`);
      if (!quiet && host === '0.0.0.0') {
        const lan = Object.values(os.networkInterfaces())
          .flat()
          .filter((a) => a && a.family === 'IPv4' && !a.internal)
          .map((a) => `ws://${a.address}:${address.port}`);
        console.log(`on the LAN: ${lan.join(' ') || '(no non-loopback IPv4 address)'}`);
      }
      resolve({
        port: address.port,
        url,
        close: () =>
          new Promise((done) => {
            clearInterval(pinger);
            for (const c of wss.clients) c.terminate();
            wss.close();
            server.close(() => done());
          }),
      });
    });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf('--port');
  const port = Number(i >= 0 ? process.argv[i + 1] : (process.env.SIGNAL_PORT ?? 4444));
  const host = process.argv.includes('--lan') ? '0.0.0.0' : '127.0.0.1';
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error('signal: --port needs a number between 0 and 65535');
    process.exit(2);
  }
  const relay = await startRelay({ host, port });
  const stop = () => void relay.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
