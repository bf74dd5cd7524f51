/**
 * Cleans HTML pasted from Word or WPS into plain semantic HTML before the editor reads it: conditional
 * comments, XML islands, styles and Office namespaces (<o:p>, <v:shape>, <w:…>) go; every attribute goes
 * except a cell's colspan/rowspan and an image's src/alt; tables keep their rows and cells. Pure string
 * work with no DOM, so it runs the same in the browser and in tests; the editor's schema and the server's
 * sanitiser still apply after it.
 */
export function cleanPastedHtml(html: string): string {
  let s = html;
  // The fragment only, when the clipboard carries a whole document.
  const frag = /<!--StartFragment-->([\s\S]*?)<!--EndFragment-->/i.exec(s);
  if (frag) s = frag[1]!;
  s = s
    // Word's conditional comments hide VML shapes (<v:imagedata>) and duplicate content: drop them whole.
    .replace(/<!--\[if[\s\S]*?<!\[endif\]-->/gi, '')
    // "Downlevel-revealed" markers (<![if !supportLists]>) wrap content that is shown: keep the content.
    .replace(/<!\[(?:end)?if[^\]]*\]>/gi, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(style|script|xml|head|title|noscript)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<(meta|link|base)\b[^>]*>/gi, '')
    // List bullets Word writes as text (“·”, “1.”) inside mso-list:Ignore spans.
    .replace(/<span[^>]*mso-list:\s*Ignore[^>]*>[\s\S]*?<\/span>(?:\s*<\/span>)?/gi, '')
    // Office namespaces: the tags go, their text stays.
    .replace(/<\/?[a-z]+:[a-z0-9]+\b[^>]*>/gi, '')
    .replace(/<\/?(span|font|a|div|section|article|colgroup|col|html|body)\b[^>]*>/gi, (m, tag: string) =>
      tag.toLowerCase() === 'div' || tag.toLowerCase() === 'section' || tag.toLowerCase() === 'article'
        ? m.startsWith('</')
          ? '</p>'
          : '<p>'
        : '',
    );
  // Every remaining opening tag keeps only the attributes it needs.
  s = s.replace(
    /<([a-z][a-z0-9]*)((?:\s+[^\s=>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*(\/?)>/gi,
    (_m, tag: string, attrs: string, self: string) => {
      const name = tag.toLowerCase();
      const keep = KEEP[name] ?? [];
      const kept: string[] = [];
      for (const a of attrs.matchAll(/([^\s=>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
        const attr = a[1]!.toLowerCase();
        if (!keep.includes(attr)) continue;
        const value = a[2] ?? a[3] ?? a[4] ?? '';
        kept.push(` ${attr}="${value.replace(/"/g, '&quot;')}"`);
      }
      return `<${name}${kept.join('')}${self ? ' /' : ''}>`;
    },
  );
  return s
    .replace(/<p>\s*<\/p>/g, '')
    .replace(/\r\n?/g, '\n')
    .trim();
}

const KEEP: Readonly<Record<string, readonly string[]>> = {
  td: ['colspan', 'rowspan'],
  th: ['colspan', 'rowspan'],
  img: ['src', 'alt'],
};

/** The image sources of (cleaned) pasted HTML, in document order. */
export function pastedImageSources(html: string): string[] {
  return [...html.matchAll(/<img\b[^>]*\bsrc="([^"]*)"/gi)].map((m) => m[1]!);
}
