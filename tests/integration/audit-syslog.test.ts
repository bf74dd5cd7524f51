import { createSocket } from 'node:dgram';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCrypto } from '../../src/server/crypto/current.js';
import { sealAll, writeAudit } from '../../src/server/modules/audit/audit.js';
import { syslogCursor } from '../../src/server/modules/audit/schema.js';
import {
  forwardSyslog,
  octetFrame,
  parseSyslogTarget,
  syslogTransport,
} from '../../src/server/modules/audit/syslog.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';

/**
 * SECURITY.md §18 (issue 8, failure 3): sealed audit rows are exported to syslog as RFC 5424 messages over
 * UDP and over TCP with RFC 6587 octet counting, each row once, resuming from the cursor in the database.
 * The listeners are started by the test (node dgram / net). Runs on PGlite and PostgreSQL.
 */
let t: TestApp;
const db = () => t.app.database.db;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

const write = (n: number, event: string, result: 'success' | 'denied' = 'success') =>
  db().transaction(async (tx) => {
    for (let i = 0; i < n; i++)
      await writeAudit(tx, {
        at: new Date(),
        userId: '00000000-0000-4000-8000-000000000001',
        ip: '10.1.2.3',
        requestId: `req-${i}`,
        event,
        objectType: 'item',
        objectId: `obj-${i}`,
        result,
        detail: { 标题: '关于"防汛"工作]的报告', i },
      });
  });

/** Until `check` holds, letting the event loop deliver datagrams and frames (no wall-clock assertion). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setImmediate(r));
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const RFC5424 =
  /^<(\d{1,3})>1 (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) ([\x21-\x7e]{1,255}) zhengxun ([\x21-\x7e]{1,128}) ([\x21-\x7e]{1,32}) (\[zhengxun@32473(?: [a-zA-Z]+="(?:[^"\\\]]|\\["\\\]])*")+\]) $/;

interface Parsed {
  pri: number;
  timestamp: string;
  host: string;
  msgId: string;
  sd: string;
  params: Record<string, string>;
  msg: unknown;
}

/** Checks one message's RFC 5424 shape byte by byte and returns its parts. */
function parse(message: Buffer): Parsed {
  const bom = message.indexOf(BOM);
  expect(bom, 'UTF-8 BOM before MSG').toBeGreaterThan(0);
  const head = message.subarray(0, bom).toString('utf8');
  const m = RFC5424.exec(head);
  expect(m, head).not.toBeNull();
  const params = Object.fromEntries(
    [...m![6]!.matchAll(/ ([a-zA-Z]+)="((?:[^"\\\]]|\\["\\\]])*)"/g)].map((p) => [
      p[1]!,
      p[2]!.replace(/\\(["\\\]])/g, '$1'),
    ]),
  );
  return {
    pri: Number(m![1]),
    timestamp: m![2]!,
    host: m![3]!,
    msgId: m![5]!,
    sd: m![6]!,
    params,
    msg: JSON.parse(message.subarray(bom + 3).toString('utf8')),
  };
}

describe('SEC-18 audit export to syslog (RFC 5424)', () => {
  it('SEC-18 parses the target and frames TCP messages by octet count (RFC 6587)', () => {
    expect(parseSyslogTarget('udp://127.0.0.1:5514')).toEqual({
      protocol: 'udp',
      host: '127.0.0.1',
      port: 5514,
    });
    expect(parseSyslogTarget('tcp://logs.example.gov.cn')).toMatchObject({ protocol: 'tcp', port: 514 });
    expect(() => parseSyslogTarget('http://x')).toThrow();
    const frame = octetFrame('<110>1 – 审计');
    const body = Buffer.from('<110>1 – 审计', 'utf8');
    expect(frame.toString('utf8')).toBe(`${body.length} <110>1 – 审计`);
  });

  it('SEC-18 over UDP: every sealed row once, in chain order, in RFC 5424 form with actor, object and result', async () => {
    const received: Buffer[] = [];
    const server = createSocket('udp4');
    server.on('message', (m) => received.push(m));
    await new Promise<void>((r) => server.bind(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    try {
      await write(3, 'item.submit');
      await write(1, 'auth.csrf_rejected', 'denied');
      await sealAll(db(), getCrypto());
      const udp = syslogTransport(`udp://127.0.0.1:${port}`);
      const sent = await forwardSyslog(db(), udp, { hostname: 'zx-test-host' });
      await udp.close();
      expect(sent).toBeGreaterThanOrEqual(4);
      await until(() => received.length >= sent);
      const parsed = received.map(parse);
      const seqs = parsed.map((p) => Number(p.params.seq));
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(seqs.length);
      const submit = parsed.filter((p) => p.msgId === 'item.submit');
      expect(submit).toHaveLength(3);
      expect(submit[0]).toMatchObject({
        pri: 13 * 8 + 6,
        host: 'zx-test-host',
        params: {
          actor: '00000000-0000-4000-8000-000000000001',
          object: 'item/obj-0',
          result: 'success',
          ip: '10.1.2.3',
        },
        msg: { event: 'item.submit', detail: { 标题: '关于"防汛"工作]的报告', i: 0 } },
      });
      const denied = parsed.find((p) => p.msgId === 'auth.csrf_rejected')!;
      expect(denied.pri).toBe(13 * 8 + 4);
      expect(denied.params.result).toBe('denied');
      // Nothing new: nothing sent again.
      const again = syslogTransport(`udp://127.0.0.1:${port}`);
      expect(await forwardSyslog(db(), again)).toBe(0);
      await again.close();
    } finally {
      server.close();
    }
  });

  it('SEC-18 over TCP: octet-counted frames; a restarted forwarder resumes at the cursor, no loss, no duplicate', async () => {
    let buffer = Buffer.alloc(0);
    const messages: Buffer[] = [];
    const server: Server = createServer((socket) =>
      socket.on('data', (chunk) => {
        buffer = Buffer.concat([buffer, chunk]);
        for (;;) {
          const space = buffer.indexOf(0x20);
          if (space < 0) break;
          const length = Number(buffer.subarray(0, space).toString('ascii'));
          expect(Number.isInteger(length) && length > 0).toBe(true);
          if (buffer.length < space + 1 + length) break;
          messages.push(buffer.subarray(space + 1, space + 1 + length));
          buffer = buffer.subarray(space + 1 + length);
        }
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const target = `tcp://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const [start] = await db().select().from(syslogCursor);
      await write(2, 'issue.sign');
      await sealAll(db(), getCrypto());
      const first = syslogTransport(target);
      const n1 = await forwardSyslog(db(), first);
      await first.close();
      expect(n1).toBe(2);
      // A "restart": a new transport and forwarder, more rows in between.
      await write(3, 'issue.issue');
      await sealAll(db(), getCrypto());
      const second = syslogTransport(target);
      const n2 = await forwardSyslog(db(), second);
      await second.close();
      expect(n2).toBe(3);
      await until(() => messages.length >= 5);
      const parsed = messages.map(parse);
      const seqs = parsed.map((p) => Number(p.params.seq));
      expect(seqs).toEqual(Array.from({ length: 5 }, (_, i) => (start?.forwardedSeq ?? 0) + 1 + i));
      expect(parsed.map((p) => p.msgId)).toEqual([
        'issue.sign',
        'issue.sign',
        'issue.issue',
        'issue.issue',
        'issue.issue',
      ]);
      const [end] = await db().select().from(syslogCursor);
      expect(end!.forwardedSeq).toBe((start?.forwardedSeq ?? 0) + 5);
    } finally {
      server.close();
    }
  });
});
