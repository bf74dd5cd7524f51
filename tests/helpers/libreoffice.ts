import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const which = (bin: string) => {
  try {
    return execFileSync('which', [bin], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
};

/**
 * Whether the document checks can run here: LibreOffice and poppler's tools present, or CI, where
 * .ci/run installs them and a missing tool must fail the check rather than skip it.
 */
export function canConvertDocuments(...tools: string[]): boolean {
  return process.env.CI === 'true' || ['soffice', ...tools].every((t) => which(t) !== '');
}

/**
 * Writes `bytes` as `name` in a fresh folder and converts it to PDF with headless LibreOffice (its own
 * profile, so parallel runs do not share one). Returns the PDF's path and the folder.
 */
export function convertToPdf(bytes: Buffer | Uint8Array, name: string): { pdf: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'zx-lo-'));
  const file = join(dir, name);
  writeFileSync(file, bytes);
  execFileSync(
    'soffice',
    [
      `-env:UserInstallation=file://${dir}/lo-profile`,
      '--headless',
      '--convert-to',
      'pdf',
      '--outdir',
      dir,
      file,
    ],
    { timeout: 120_000, stdio: 'ignore' },
  );
  const pdf = join(dir, name.replace(/\.[a-z]+$/, '.pdf'));
  if (!existsSync(pdf)) throw new Error(`LibreOffice wrote no PDF for ${name}`);
  return { pdf, dir };
}
