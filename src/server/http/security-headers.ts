import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isApiRequest } from './route-kind.js';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * This request's CSP nonce (128 random bits, base64): the only inline scripts and styles allowed.
     * Drawn when first read (the app shell, the print page); a response that never read it allows none.
     */
    readonly cspNonce: string;
    /** The nonce once drawn ('' before): cspNonce's storage, read by the onSend hook below. */
    cspNonceDrawn: string;
  }
}

/**
 * The Content-Security-Policy for one response: no 'unsafe-inline' anywhere; scripts and styles inline only
 * with this response's nonce, and none at all for a response without one (API answers, assets, files).
 */
export function contentSecurityPolicy(nonce?: string): string {
  const inline = nonce ? ` 'nonce-${nonce}'` : '';
  return (
    `default-src 'self'; script-src 'self'${inline}; style-src 'self'${inline}; ` +
    "img-src 'self' data: blob:; connect-src 'self'; font-src 'self' data:; object-src 'none'; " +
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
  );
}

const WITHOUT_INLINE = contentSecurityPolicy();

/**
 * Headers for every response (SECURITY.md §25, §27): a strict CSP, with a fresh nonce for a response that
 * carries inline code (the app shell hands it to Ant Design's CSS-in-JS; the print page puts it on its
 * <style>), none for the rest — an API answer drew 16 random bytes it never used, 1% of a list page's CPU;
 * no sniffing, no framing, no referrer leaks; API answers are no-store.
 */
export const securityHeaders = fp(async (app) => {
  app.decorateRequest('cspNonceDrawn', '');
  app.decorateRequest('cspNonce', {
    getter(this: FastifyRequest) {
      if (!this.cspNonceDrawn) this.cspNonceDrawn = randomBytes(16).toString('base64');
      return this.cspNonceDrawn;
    },
  });
  app.addHook('onSend', async (req, reply, payload) => {
    reply.header(
      'Content-Security-Policy',
      req.cspNonceDrawn ? contentSecurityPolicy(req.cspNonceDrawn) : WITHOUT_INLINE,
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
