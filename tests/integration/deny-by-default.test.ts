import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { testDatabase } from '../helpers/db.js';

/** SECURITY.md §9: every API route declares its access policy; the server refuses to start otherwise. */
describe('SEC-09 deny by default', () => {
  it('refuses to register an API route without an access policy, and accepts one that declares it', async () => {
    const database = await testDatabase();
    const app = await buildApp({ database, config: loadConfig({}), logger: false });
    try {
      expect(() => app.get('/api/undeclared', async () => ({ ok: true }))).toThrow(
        /declares no access policy/,
      );
      expect(() =>
        app.get('/api/declared', { config: { access: 'user' } }, async () => ({ ok: true })),
      ).not.toThrow();
      await app.ready();
      // The declared route needs a session like every other.
      expect((await app.inject({ method: 'GET', url: '/api/declared' })).statusCode).toBe(401);
    } finally {
      await app.close();
      await database.drop();
    }
  });
});
