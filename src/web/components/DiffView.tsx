import type { ReactNode } from 'react';
import type { DiffPart } from '../api/types';

/** A tab in the plain text is a table-cell boundary: shown as a visible rule so cells read apart. */
function withCells(text: string): ReactNode {
  if (!text.includes('\t')) return text;
  return text.split('\t').map((piece, i) => (
    <span key={i}>
      {i > 0 ? (
        <span className="zx-diff-cell" aria-label="单元格分隔">
          │
        </span>
      ) : null}
      {piece}
    </span>
  ));
}

/** Insertions green and underlined, deletions red and struck through (<ins>/<del> for screen readers). */
export function DiffView({ parts, testId }: { parts: readonly DiffPart[]; testId?: string }) {
  return (
    <div className="zx-diff" data-testid={testId}>
      {parts.map((p, i) =>
        p.op === 'insert' ? (
          <ins key={i}>{withCells(p.text)}</ins>
        ) : p.op === 'delete' ? (
          <del key={i}>{withCells(p.text)}</del>
        ) : (
          <span key={i}>{withCells(p.text)}</span>
        ),
      )}
    </div>
  );
}
