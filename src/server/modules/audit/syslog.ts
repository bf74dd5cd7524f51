import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket as TcpSocket } from 'node:net';
import { hostname } from 'node:os';
import { and, asc, eq, gt, isNotNull, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.js';
import { auditLog, syslogCursor } from './schema.js';

/**
 * Export of the audit log to syslog (SECURITY.md §18): RFC 5424 messages over UDP (RFC 5426, one message per
 * datagram) or TCP (RFC 6587 octet counting). Each sealed row is sent once, in chain order; the position is
 * kept in the database (syslog_cursor), so a restart resumes where the last one stopped.
 */

type Row = typeof auditLog.$inferSelect;
const APP_NAME = 'zhengxun';
/** RFC 5424 facility 13, "log audit". */
const FACILITY = 13;
/** SD-ID with the documentation enterprise number of RFC 5612 until the operator registers one. */
const SD_ID = 'zhengxun@32473';
const BOM = '\uFEFF';
/** Keeps a datagram well under common path limits; TCP messages are not cut. */
const UDP_MAX_BYTES = 8192;
const FORWARD_LOCK = 762833;

/** PRINTUSASCII without spaces, at most `max` characters; '-' (NILVALUE) when empty. */
function header(value: string | null | undefined, max: number): string {
  const v = (value ?? '').replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return v === '' ? '-' : v;
}

/** PARAM-VALUE escaping (RFC 5424 §6.3.3): '"', '\' and ']' take a backslash. */
const paramValue = (v: string) => v.replace(/["\\\]]/g, (c) => `\\${c}`);

export interface SyslogOptions {
  hostname?: string;
  procId?: string;
}

/** One audit row as an RFC 5424 message (without transport framing). Pure. */
export function formatSyslog(row: Row, opts: SyslogOptions = {}): string {
  const severity = row.result === 'success' ? 6 : 4; // informational; warning for refusals and failures
  const params: [string, string | null | number][] = [
    ['seq', row.seq],
    ['actor', row.userId ?? '-'],
    ['ip', row.ip],
    ['object', row.objectType ? `${row.objectType}/${row.objectId ?? ''}` : null],
    ['result', row.result],
    ['requestId', row.requestId],
    ['hash', row.hash],
  ];
  const sd = `[${SD_ID}${params
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => ` ${k}="${paramValue(String(v))}"`)
    .join('')}]`;
  const msg = JSON.stringify({ event: row.event, detail: row.detail ?? null });
  return [
    `<${FACILITY * 8 + severity}>1`,
    row.at.toISOString(),
    header(opts.hostname ?? hostname(), 255),
    APP_NAME,
    header(opts.procId ?? String(process.pid), 128),
    header(row.event, 32),
    `${sd} ${BOM}${msg}`,
  ].join(' ');
}

/** RFC 6587 §3.4.1 octet counting: the byte length, a space, the message. */
export function octetFrame(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}

export interface SyslogTransport {
  send(message: string): Promise<void>;
  close(): Promise<void>;
}

/** ZX_SYSLOG: udp://host:port or tcp://host:port (port 514 by default). */
export function parseSyslogTarget(value: string): { protocol: 'udp' | 'tcp'; host: string; port: number } {
  const url = new URL(value);
  const protocol = url.protocol.replace(':', '');
  if (protocol !== 'udp' && protocol !== 'tcp')
    throw new Error(`ZX_SYSLOG 须为 udp://主机:端口 或 tcp://主机:端口`);
  return { protocol, host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 514) };
}

function udpTransport(host: string, port: number): SyslogTransport {
  const socket: UdpSocket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  return {
    send: (message) =>
      new Promise((resolve, reject) => {
        let buf = Buffer.from(message, 'utf8');
        if (buf.length > UDP_MAX_BYTES) buf = buf.subarray(0, UDP_MAX_BYTES);
        socket.send(buf, port, host, (err) => (err ? reject(err) : resolve()));
      }),
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

function tcpTransport(host: string, port: number): SyslogTransport {
  let socket: TcpSocket | null = null;
  const open = () =>
    new Promise<TcpSocket>((resolve, reject) => {
      if (socket && !socket.destroyed) return resolve(socket);
      const s = connect({ host, port });
      s.once('connect', () => {
        socket = s;
        resolve(s);
      });
      s.once('error', reject);
      s.on('close', () => {
        if (socket === s) socket = null;
      });
    });
  return {
    send: async (message) => {
      const s = await open();
      await new Promise<void>((resolve, reject) =>
        s.write(octetFrame(message), (err) => (err ? reject(err) : resolve())),
      );
    },
    close: () =>
      new Promise((resolve) => {
        if (!socket) return resolve();
        socket.end(() => resolve());
      }),
  };
}

export function syslogTransport(target: string): SyslogTransport {
  const t = parseSyslogTarget(target);
  return t.protocol === 'udp' ? udpTransport(t.host, t.port) : tcpTransport(t.host, t.port);
}

/**
 * Sends the sealed rows after the cursor, one by one in chain order, each in a short transaction that moves
 * the cursor past it: a restart resumes after the last row acknowledged by the transport (at most the one
 * row in flight at a crash is sent again; receivers can tell by its `seq`). One forwarder at a time across
 * instances (a try-lock). Returns how many rows it sent.
 */
export async function forwardSyslog(
  db: Db,
  transport: SyslogTransport,
  opts: SyslogOptions & { limit?: number } = {},
): Promise<number> {
  let sent = 0;
  for (let i = 0; i < (opts.limit ?? 1000); i++) {
    const done = await db.transaction(async (tx) => {
      const [lock] = await queryRows<{ ok: boolean }>(
        tx,
        sql`select pg_try_advisory_xact_lock(${FORWARD_LOCK}) as ok`,
      );
      if (!lock?.ok) return false;
      const [cursor] = await tx.select().from(syslogCursor).where(eq(syslogCursor.id, 1));
      const after = cursor?.forwardedSeq ?? 0;
      const [row] = await tx
        .select()
        .from(auditLog)
        .where(and(isNotNull(auditLog.seq), gt(auditLog.seq, after)))
        .orderBy(asc(auditLog.seq))
        .limit(1);
      if (!row) return false;
      await transport.send(formatSyslog(row, opts));
      const values = { forwardedSeq: row.seq!, forwardedAt: new Date() };
      await tx
        .insert(syslogCursor)
        .values({ id: 1, ...values })
        .onConflictDoUpdate({ target: syslogCursor.id, set: values });
      return true;
    });
    if (!done) break;
    sent++;
  }
  return sent;
}
