import { BlockList, isIP } from 'node:net';
import { sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../http/errors.js';
import { ADMIN_ROLES } from '../orgs/domain.js';
import { memberships, users } from '../orgs/schema.js';

/**
 * SECURITY.md §15: management can be limited to configured networks (等保: 管理终端接入地址限制). With
 * `ZX_ADMIN_NETWORKS` set (comma-separated CIDRs or addresses, IPv4 or IPv6), the three administrators
 * log in and work only from those networks, and the management APIs (/api/security, /api/audit) answer
 * only there. The client address is the socket's, or the proxy's X-Forwarded-For only when
 * ZX_TRUST_PROXY says a proxy is trusted.
 */
export interface AdminNetworks {
  allows(ip: string): boolean;
  readonly description: string;
}

/** Parses the list; a malformed entry is a start-up error (a typo must not open the door). */
export function parseAdminNetworks(spec: string | undefined): AdminNetworks | null {
  const entries = (spec ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) return null;
  const list = new BlockList();
  for (const entry of entries) {
    const [addr, bits] = entry.split('/');
    const family = isIP(addr ?? '');
    if (!family) throw new Error(`ZX_ADMIN_NETWORKS: ${entry} is not an IP address or CIDR`);
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(addr!, type);
    else {
      const prefix = Number(bits);
      if (!/^\d+$/.test(bits) || prefix > (family === 6 ? 128 : 32))
        throw new Error(`ZX_ADMIN_NETWORKS: ${entry} has an invalid prefix length`);
      list.addSubnet(addr!, prefix, type);
    }
  }
  return {
    description: entries.join(', '),
    allows(ip: string) {
      // An IPv4 client on a dual-stack socket arrives as ::ffff:a.b.c.d.
      const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
      if (v4) return list.check(v4, 'ipv4');
      const family = isIP(ip);
      if (!family) return false;
      return list.check(ip, family === 6 ? 'ipv6' : 'ipv4');
    },
  };
}

const MANAGEMENT_PREFIXES = ['/api/security/', '/api/audit/', '/api/security', '/api/audit'];
const isAdminRole = (role: string) => (ADMIN_ROLES as readonly string[]).includes(role);

function refuse(): AppError {
  return new AppError('forbidden', '管理功能仅限在指定的管理网络内使用', { reason: 'network' });
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on a login by an administrator from outside the management networks: it must fail. */
    outsideAdminNetwork: boolean;
  }
}

/** The hooks: after the session is resolved (onRequest of the auth plugin), before any handler. */
export const adminNetworksPlugin = fp(
  async (app: FastifyInstance, opts: { networks: AdminNetworks | null }) => {
    app.decorateRequest('outsideAdminNetwork', false);
    const networks = opts.networks;
    if (!networks) return;
    app.addHook('preHandler', async (req: FastifyRequest) => {
      const route = req.routeOptions.url ?? '';
      if (!route.startsWith('/api/')) return;
      const ip = req.ip ?? '';
      if (networks.allows(ip)) return;
      const management = MANAGEMENT_PREFIXES.some((p) => route === p || route.startsWith(p + '/'));
      const admin = req.session?.actor.memberships.some((m) => isAdminRole(m.role)) ?? false;
      if (management || admin) throw refuse();
      // An administrator cannot log in from outside whatever the password: the login fails exactly as a
      // wrong password does (same answer, same counting), so the refusal tells nothing about the account.
      if (route === '/api/auth/login' && req.method === 'POST') {
        const username = (req.body as { username?: unknown } | undefined)?.username;
        if (typeof username === 'string' && (await holdsAdminRole(app, username)))
          req.outsideAdminNetwork = true;
      }
    });
  },
);

async function holdsAdminRole(app: FastifyInstance, username: string): Promise<boolean> {
  const rows = await app.database.db
    .select({ role: memberships.role })
    .from(memberships)
    .innerJoin(users, sql`${users.id} = ${memberships.userId}`)
    .where(sql`lower(${users.username}) = lower(${username})`);
  return rows.some((r) => isAdminRole(r.role));
}
