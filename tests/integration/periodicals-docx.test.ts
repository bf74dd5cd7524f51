import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canConvertDocuments, convertToPdf } from '../helpers/libreoffice.js';
import { adoptedAtK, draftIssue, world, type Issue, type World } from './periodicals-fixture.js';

/** Where the rendered first page is kept for a person to look at. */
const OUT = process.env.ZX_ISSUE_PNG_DIR ?? join(tmpdir(), 'zx-issue-docx');

let w: World;
let issue: Issue;
beforeAll(async () => {
  w = await world();
  const { K, T, S } = w.tree;
  const chief = await w.as(K.chief);
  const p = (await chief.get(`/api/periodicals/${K.periodicalId}`)).json<{ rowVersion: number }>();
  await chief.send('PATCH', `/api/periodicals/${K.periodicalId}`, {
    rowVersion: p.rowVersion,
    name: '吕梁政务信息',
    publisherName: '吕梁市人民政府办公室',
    totalNoBase: 314,
    defaultLines: {
      bao: ['省政府办公厅'],
      song: ['市委、市人大、市政府、市政协领导'],
      fa: ['各县（市、区）人民政府', '市直各部门'],
    },
    defaultCopies: 120,
  });
  const a1 = await adoptedAtK(w, '汾阳市推行“网格化+信息化”基层治理模式');
  const a2 = await adoptedAtK(w, '孝义市开展安全生产大检查', S);
  const a3 = await adoptedAtK(w, '汾阳市开展安全生产大检查', T);
  const id = await draftIssue(w, K, [a1.adoptionId]);
  const editor = await w.as(K.editor);
  await editor.post(`/api/issues/${id}/entries`, {
    adoptionIds: [a2.adoptionId, a3.adoptionId],
    title: '我市多地开展安全生产大检查',
  });
  const draft = (await editor.get(`/api/issues/${id}`)).json<Issue>();
  await editor.send('PATCH', `/api/issues/${id}/entries/${draft.entries[0]!.id}`, {
    rowVersion: draft.entries[0]!.rowVersion,
    editorNote: '汾阳市的做法值得各地学习借鉴，请结合实际认真研究。',
  });
  await editor.post(`/api/issues/${id}/submit`, {});
  await (await w.as(K.chief)).post(`/api/issues/${id}/sign`, {});
  const res = await editor.post(`/api/issues/${id}/issue`, { recipientOrgIds: [T.id] });
  expect(res.statusCode, res.body).toBe(200);
  issue = res.json<Issue>();
});
afterAll(async () => w.t.close());

describe('issue output', () => {
  it('serves a DOCX with an RFC 5987 UTF-8 file name', async () => {
    const res = await (await w.as(w.tree.K.editor)).get(`/api/issues/${issue.id}/docx`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('wordprocessingml.document');
    const cd = String(res.headers['content-disposition']);
    expect(cd).toMatch(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/);
    expect(decodeURIComponent(cd.split("UTF-8''")[1]!)).toBe(
      `吕梁政务信息${issue.numberLabel.replace(/（.*）/, '')}.docx`,
    );
    expect(res.rawPayload.subarray(0, 2).toString()).toBe('PK');
  });

  it('prints an HTML page with the bulletin layout and no script', async () => {
    const res = await (await w.as(w.tree.T.writer)).get(`/api/issues/${issue.id}/print`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    for (const s of [
      '吕梁政务信息',
      issue.numberLabel,
      '吕梁市人民政府办公室编',
      '【编者按】',
      '共印120份',
      '报：省政府办公厅。',
    ])
      expect(res.body).toContain(s);
    expect(res.body).not.toMatch(/<script/i);
  });

  it.runIf(canConvertDocuments('pdftotext', 'pdftoppm'))(
    'renders through LibreOffice as a bulletin (masthead, 期号, entries, 版记)',
    async () => {
      const res = await (await w.as(w.tree.K.editor)).get(`/api/issues/${issue.id}/docx`);
      const { pdf } = convertToPdf(res.rawPayload, 'issue.docx');
      const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
      const flat = text.replace(/\s+/g, '');
      expect(flat).toContain('吕梁政务信息');
      expect(flat).toContain(issue.numberLabel);
      expect(flat).toContain('汾阳市推行“网格化+信息化”基层治理模式');
      expect(flat).toContain('我市多地开展安全生产大检查');
      expect(flat).toContain('【编者按】');
      expect(flat).toMatch(/（某街道-[0-9a-f]+报送）/);
      expect(flat).toContain('共印120份');
      expect(flat).toContain('报：省政府办公厅。');
      mkdirSync(OUT, { recursive: true });
      execFileSync('pdftoppm', ['-png', '-r', '60', pdf, join(OUT, 'issue')], { timeout: 60_000 });
      const pngs = readdirSync(OUT).filter((f) => f.startsWith('issue') && f.endsWith('.png'));
      expect(pngs.length).toBeGreaterThan(0);
      expect(readFileSync(join(OUT, pngs.sort()[0]!)).subarray(1, 4).toString()).toBe('PNG');
    },
    180_000,
  );
});
