import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  deliveryId: string;
  eventId: string;
  body: string;
  status: number;
  /** The pid of the process that sent it (of those given), when /proc can tell. */
  senderPid: number | undefined;
}

/**
 * A webhook receiver on loopback that answers `statusFor(n)` to its n-th request (0-based) and
 * records each request with the process that sent it: the sender's TCP port is looked up in
 * /proc/net/tcp (its socket's inode) and that inode among the file descriptors of `senderPids()`
 * (Linux only; elsewhere `senderPid` stays undefined).
 */
export async function startAttributingReceiver(statusFor: (n: number) => number, senderPids: () => number[]): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const n = received.length;
    const senderPid = ownerOfPeer(req.socket.remotePort, req.socket.localPort, senderPids());
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const status = statusFor(n);
      received.push({ deliveryId: String(req.headers['encore-delivery-id']), eventId: String(req.headers['encore-event-id']), body, status, senderPid });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'not now');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The inode of the loopback TCP socket whose local port is `peerPort` and remote port `ourPort`. */
function inodeOf(peerPort: number, ourPort: number): string | undefined {
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      const local = Number.parseInt(f[1]!.split(':')[1]!, 16);
      const remote = Number.parseInt(f[2]!.split(':')[1]!, 16);
      if (local === peerPort && remote === ourPort) return f[9];
    }
  }
  return undefined;
}

function ownerOfPeer(peerPort: number | undefined, ourPort: number | undefined, pids: number[]): number | undefined {
  if (peerPort === undefined || ourPort === undefined) return undefined;
  const inode = inodeOf(peerPort, ourPort);
  if (inode === undefined || inode === '0') return undefined;
  const target = `socket:[${inode}]`;
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === target) return pid;
      } catch {
        /* closed meanwhile */
      }
    }
  }
  return undefined;
}
