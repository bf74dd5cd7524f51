import type { IssueView } from '../api/types';

/** “2026年11月5日” from YYYY-MM-DD (as printed on documents, no leading zeros). */
export function chineseDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

export function periodicalTitle(name: string): string {
  return name.startsWith('《') ? name : `《${name}》`;
}

/**
 * An issue laid out like a government bulletin (GB/T 9704 conventions): red masthead with the periodical's
 * name, 期号 and 总期号, 编印单位 and date over a red rule, the entries with 编者按 and source lines, and the
 * 版记 (报/送/发, 印发 and 共印N份) at the foot.
 */
export function Bulletin({ issue }: { issue: IssueView }) {
  const date = chineseDate(issue.issueDate ?? issue.issuedAt ?? null);
  const numbered = issue.yearNo !== null;
  const lines: [string, string[]][] = [
    ['报', issue.lines.bao],
    ['送', issue.lines.song],
    ['发', issue.lines.fa],
  ];
  return (
    <article className="zx-bulletin" data-testid="bulletin">
      <header className="zx-bulletin-head">
        <div className="zx-bulletin-name">{issue.periodical.name.replace(/[《》]/g, '')}</div>
        <div className="zx-bulletin-no" data-testid="bulletin-number">
          {numbered ? (
            <>
              {issue.year}年第{issue.yearNo}期
              {issue.totalNo !== null ? <span>（总第{issue.totalNo}期）</span> : null}
            </>
          ) : (
            <span className="zx-bulletin-draftno">（期号在印发时编定）</span>
          )}
        </div>
        <div className="zx-bulletin-meta">
          <span>{issue.publisherName}编</span>
          <span>{date || '（印发日期）'}</span>
        </div>
        <div className="zx-bulletin-rule" aria-hidden />
      </header>
      {issue.title ? <h2 className="zx-bulletin-headline">{issue.title}</h2> : null}
      {issue.entries.length === 0 ? (
        <p className="zx-muted" style={{ textAlign: 'center', padding: '40px 0' }}>
          本期尚未编入文章
        </p>
      ) : null}
      {issue.entries.map((e) => (
        <section key={e.id} className="zx-bulletin-entry" data-testid="bulletin-entry">
          {e.editorNote ? (
            <p className="zx-bulletin-note">
              <b>编者按：</b>
              {e.editorNote}
            </p>
          ) : null}
          <h3 className="zx-bulletin-title">{e.title}</h3>
          {/* Entry bodies are sanitised by the server (the same allow-list as items) before they are stored. */}
          <div className="zx-doc" dangerouslySetInnerHTML={{ __html: e.bodyHtml }} />
          {e.sourceLine ? <p className="zx-bulletin-source">{e.sourceLine}</p> : null}
        </section>
      ))}
      <footer className="zx-bulletin-foot">
        {lines
          .filter(([, v]) => v.length)
          .map(([k, v]) => (
            <div key={k} className="zx-bulletin-line">
              <b>{k}：</b>
              {v.join('，')}
            </div>
          ))}
        <div className="zx-bulletin-line zx-bulletin-print">
          <span>
            {issue.publisherName}
            {date ? `\u3000${date}印发` : ''}
          </span>
          {issue.copies > 0 ? <span>共印{issue.copies}份</span> : null}
        </div>
      </footer>
    </article>
  );
}
