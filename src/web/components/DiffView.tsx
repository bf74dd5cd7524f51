import type { DiffPart } from '../api/types';

/** Insertions green and underlined, deletions red and struck through (<ins>/<del> for screen readers). */
export function DiffView({ parts, testId }: { parts: readonly DiffPart[]; testId?: string }) {
  return (
    <div className="zx-diff" data-testid={testId}>
      {parts.map((p, i) =>
        p.op === 'insert' ? (
          <ins key={i}>{p.text}</ins>
        ) : p.op === 'delete' ? (
          <del key={i}>{p.text}</del>
        ) : (
          <span key={i}>{p.text}</span>
        ),
      )}
    </div>
  );
}
