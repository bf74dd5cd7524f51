import { describe, expect, it } from 'vitest';
import { parseAdminNetworks } from '../../src/server/modules/auth/admin-networks.js';

describe('SEC-15 management networks: parsing and matching', () => {
  it('is off when unset or empty', () => {
    expect(parseAdminNetworks(undefined)).toBeNull();
    expect(parseAdminNetworks(' , ')).toBeNull();
  });

  it('matches IPv4 and IPv6 subnets and single addresses, and IPv4-mapped IPv6 clients', () => {
    const n = parseAdminNetworks('10.20.0.0/16, 192.168.1.7, fd00:abcd::/32')!;
    expect(n.allows('10.20.3.4')).toBe(true);
    expect(n.allows('10.21.0.1')).toBe(false);
    expect(n.allows('192.168.1.7')).toBe(true);
    expect(n.allows('192.168.1.8')).toBe(false);
    expect(n.allows('::ffff:10.20.9.9')).toBe(true);
    expect(n.allows('::ffff:10.99.9.9')).toBe(false);
    expect(n.allows('fd00:abcd:1::5')).toBe(true);
    expect(n.allows('fd00:abce::5')).toBe(false);
    expect(n.allows('')).toBe(false);
    expect(n.allows('not-an-ip')).toBe(false);
  });

  it.each(['10.0.0.0/33', '10.0.0', 'localhost', '10.0.0.0/x', 'fd00::/129'])(
    'refuses a malformed entry (%s) at start-up rather than opening the door',
    (spec) => {
      expect(() => parseAdminNetworks(spec)).toThrow(/ZX_ADMIN_NETWORKS/);
    },
  );
});
