import { describe, expect, it } from 'vitest';
import { formatSyslog, octetFrame } from '../../src/server/modules/audit/syslog.js';

/** SECURITY.md §18: the RFC 5424 message of one audit row, as pure formatting. */
const row = {
  id: 7,
  at: new Date('2026-03-01T08:30:00.123Z'),
  userId: null,
  ip: null,
  requestId: 'r"1]\\',
  event: 'some.very.long.event.name.that.exceeds.thirty.two',
  objectType: null,
  objectId: null,
  result: 'failure' as const,
  detail: { 说明: '密码错误' },
  seq: 42,
  prevHash: 'a'.repeat(64),
  hash: 'b'.repeat(64),
};

describe('SEC-18 syslog message format (RFC 5424)', () => {
  it('SEC-18 header fields, escaped structured data, BOM before the UTF-8 MSG', () => {
    const m = formatSyslog(row, { hostname: 'zx host', procId: '123' });
    expect(m.startsWith('<108>1 2026-03-01T08:30:00.123Z zx_host zhengxun 123 ')).toBe(true);
    const msgId = m.split(' ')[5]!;
    expect(msgId).toHaveLength(32);
    expect(m).toContain('actor="-"');
    expect(m).toContain('requestId="r\\"1\\]\\\\"');
    expect(m).not.toContain('object=');
    expect(m).toContain('] \uFEFF{"event":"some.very.long.event.name.that.exceeds.thirty.two"');
    expect(m.endsWith('"detail":{"说明":"密码错误"}}')).toBe(true);
    expect(formatSyslog(row, { hostname: '' }).split(' ')[2]).toBe('-');
  });

  it('SEC-18 octet counting counts bytes, not characters', () => {
    expect(octetFrame('审计').toString('utf8')).toBe('6 审计');
  });
});
