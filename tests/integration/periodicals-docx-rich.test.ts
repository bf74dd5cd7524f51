import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canConvertDocuments, convertToPdf } from '../helpers/libreoffice.js';
import { adoptedAtK, draftIssue, world, type Issue, type World } from './periodicals-fixture.js';

/** An issue whose article has a table (figures in cells) and a captioned picture, in every output. */
const OUT = process.env.ZX_ISSUE_PNG_DIR ?? join(tmpdir(), 'zx-issue-docx');

/** A 40×20 red PNG made here (zlib-compressed scanlines), so the test needs no image file. */
async function redPng(): Promise<Buffer> {
  const { deflateSync, crc32 } = await import('node:zlib');
  const w = 40;
  const h = 20;
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(w * 3, Buffer.from([230, 0, 18]))]);
  const raw = Buffer.concat(Array.from({ length: h }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

let w: World;
let issue: Issue;
beforeAll(async () => {
  w = await world();
  const { K, T } = w.tree;
  const writer = await w.as(T.writer);
  const up = await w.t.app.inject({
    method: 'POST',
    url: '/api/attachments',
    payload: await redPng(),
    headers: { cookie: writer.cookie, 'x-csrf-token': writer.csrf, 'content-type': 'image/png' },
  });
  expect(up.statusCode, up.body).toBe(200);
  const src = up.json<{ url: string }>().url;
  const a = await adoptedAtK(w, '某街道一季度投资情况', T, {
    bodyHtml:
      '<p>一季度全街道完成投资情况如下。</p>' +
      '<table><tr><th>指标</th><th>数值</th><th>增速</th></tr><tr><td><p>投资额（亿元）</p></td><td><p>52</p></td><td><p>2.1</p></td></tr><tr><td colspan="3">合计完成年度目标的百分之二十五</td></tr></table>' +
      `<figure><img src="${src}" alt=""><figcaption>图为项目施工现场</figcaption></figure>`,
  });
  const id = await draftIssue(w, K, [a.adoptionId]);
  const editor = await w.as(K.editor);
  await editor.post(`/api/issues/${id}/submit`, {});
  await (await w.as(K.chief)).post(`/api/issues/${id}/sign`, {});
  const res = await editor.post(`/api/issues/${id}/issue`, { recipientOrgIds: [T.id] });
  expect(res.statusCode, res.body).toBe(200);
  issue = res.json<Issue>();
});
afterAll(async () => w.t.close());

describe('an issue with a table and a picture', () => {
  it('the print page has a real table and the figure with its caption', async () => {
    const res = await (await w.as(w.tree.T.writer)).get(`/api/issues/${issue.id}/print`);
    expect(res.body).toMatch(/<table><tr><th>指标<\/th><th>数值<\/th><th>增速<\/th><\/tr>/);
    expect(res.body).toContain('<td><p>52</p></td><td><p>2.1</p></td>');
    expect(res.body).toMatch(
      /<figure><img src="\/files\/[0-9a-f-]{36}" alt="" \/><figcaption>图为项目施工现场<\/figcaption><\/figure>/,
    );
  });

  it('a reader of the issue may load its picture; a unit outside gets 404', async () => {
    const src = /src="(\/files\/[0-9a-f-]{36})"/.exec(
      (await (await w.as(w.tree.K.editor)).get(`/api/issues/${issue.id}/print`)).body,
    )![1]!;
    expect((await (await w.as(w.tree.K.chief)).get(src)).statusCode).toBe(200);
    expect((await (await w.as(w.tree.U.writer)).get(src)).statusCode).toBe(404);
  });

  it('the DOCX holds a Word table and the image', async () => {
    const res = await (await w.as(w.tree.K.editor)).get(`/api/issues/${issue.id}/docx`);
    expect(res.statusCode).toBe(200);
    const { default: JSZip } = await import('jszip');
    const zip = await JSZip.loadAsync(res.rawPayload);
    const xml = await zip.file('word/document.xml')!.async('string');
    expect(xml).toContain('<w:tbl>');
    expect(xml).toContain('<w:gridSpan w:val="3"/>');
    expect(Object.keys(zip.files).some((f) => f.startsWith('word/media/'))).toBe(true);
  });

  it.runIf(canConvertDocuments('pdftotext', 'pdfimages'))(
    'opens in LibreOffice with the cells apart and the picture in place',
    async () => {
      const res = await (await w.as(w.tree.K.editor)).get(`/api/issues/${issue.id}/docx`);
      const { pdf } = convertToPdf(res.rawPayload, 'issue.docx');
      const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
      expect(text).toMatch(/52\s+2\.1/);
      expect(text).not.toContain('522.1'); // in the laid-out text the two cells are apart
      expect(text.replace(/\s+/g, '')).toContain('图为项目施工现场');
      const images = execFileSync('pdfimages', ['-list', pdf], { encoding: 'utf8' });
      expect(images.trim().split('\n').length).toBeGreaterThan(2); // header lines + at least one image
      mkdirSync(OUT, { recursive: true });
      execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', pdf, join(OUT, 'rich')], {
        timeout: 60_000,
      });
    },
    180_000,
  );
});
