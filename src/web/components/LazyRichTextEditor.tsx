import { Skeleton } from 'antd';
import { lazy, Suspense, type ComponentProps } from 'react';
import type { RichTextEditor as Editor } from './RichTextEditor';

const Loaded = lazy(() => import('./RichTextEditor').then((m) => ({ default: m.RichTextEditor })));

/**
 * The rich-text editor (TipTap/ProseMirror, the largest part of the bundle) loaded only when a screen shows
 * it, so a drawer that merely may open it does not pull it into the first screen.
 */
export function LazyRichTextEditor(props: ComponentProps<typeof Editor>) {
  return (
    <Suspense fallback={<Skeleton active paragraph={{ rows: 8 }} />}>
      <Loaded {...props} />
    </Suspense>
  );
}
