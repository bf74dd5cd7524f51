import fp from 'fastify-plugin';
import { isApiRequest } from './route-kind.js';

/**
 * Headers for every response (SECURITY.md §25, §27): a strict CSP (Ant Design injects styles, hence
 * 'unsafe-inline' for style only), no sniffing, no framing, no referrer leaks; API answers are no-store.
 */
export const securityHeaders = fp(async (app) => {
  app.addHook('onSend', async (req, reply, payload) => {
    reply.header(
      'Content-Security-Policy',
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    );
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Referrer-Policy', 'strict-origin-when-cross-origin');
    reply.header('Cross-Origin-Opener-Policy', 'same-origin');
    if (app.config.secureCookies)
      reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    if (isApiRequest(req)) reply.header('Cache-Control', 'no-store');
    reply.removeHeader('X-Powered-By');
    return payload;
  });
});
