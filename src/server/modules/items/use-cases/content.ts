import { AppError, invalid } from '../../../http/errors.js';
import { BODY_MAX_CHARS, TITLE_MAX } from '../domain/catalog.js';
import { findClassificationMarking } from '../domain/classification.js';
import { htmlToText, richBlocks, sanitizeRichText } from '../domain/text.js';
import { cleanText } from '../../../text/unicode.js';

/** Sanitises and checks a title and body before any version is written. */
export function prepareContent(
  title: string,
  bodyHtml: string,
): { title: string; bodyHtml: string; bodyText: string } {
  // Invisible and bidi-control characters are dropped before anything is checked or stored.
  const cleanTitle = cleanText(title).replace(/\s+/g, ' ').trim();
  if (!cleanTitle) throw invalid('title', '标题不能为空（不能只含空白或不可见字符）');
  if ([...cleanTitle].length > TITLE_MAX)
    throw invalid(
      'title',
      `标题不能超过${TITLE_MAX}个字（现为${[...cleanTitle].length}个字），请精简后再保存`,
    );
  const html = sanitizeRichText(cleanText(bodyHtml));
  const text = htmlToText(html);
  if (!text) throw invalid('bodyHtml', '正文不能为空');
  if (text.length > BODY_MAX_CHARS) throw invalid('bodyHtml', `正文不能超过${BODY_MAX_CHARS}字`);
  const uncaptioned = richBlocks(html).filter((b) => b.kind === 'figure' && !b.caption).length;
  if (uncaptioned > 0)
    throw invalid('bodyHtml', `有${uncaptioned}张图片没有图注，请在图片下方填写图注（如“图为××现场”）`);
  const hit = findClassificationMarking(`${cleanTitle}\n${text}`);
  if (hit)
    throw new AppError(
      'classified_content',
      `检测到密级标志「${hit.marking}」。涉密信息不得在本系统处理（涉密信息不上网），请删除后通过涉密渠道报送`,
      { field: 'bodyHtml', marking: hit.marking },
    );
  return { title: cleanTitle, bodyHtml: html, bodyText: text };
}
