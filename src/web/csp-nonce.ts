/**
 * This page's CSP nonce (SECURITY.md §25), put into <meta name="csp-nonce"> by the server for each load of
 * the app shell. Ant Design's CSS-in-JS gets it through ConfigProvider `csp`, TipTap through
 * `injectNonce`; a few helpers of Ant Design's rc-components create <style> elements without a way to pass
 * it (the scrollbar measure of tables, for one), so <style> elements this code creates carry it too. Only
 * markup injected into the page (which never had the nonce) is refused — the point of the nonce.
 */
export const cspNonce: string | undefined =
  document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content || undefined;

if (cspNonce) {
  const nonce = cspNonce;
  const create = document.createElement.bind(document) as (
    tag: string,
    options?: ElementCreationOptions,
  ) => HTMLElement;
  document.createElement = function createElement(tag: string, options?: ElementCreationOptions) {
    const el = create(tag, options);
    if (tag.toLowerCase() === 'style') el.nonce = nonce;
    return el;
  } as typeof document.createElement;
}
