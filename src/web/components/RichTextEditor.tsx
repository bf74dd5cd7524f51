import { cspNonce } from '../csp-nonce';
import {
  BoldOutlined,
  DeleteOutlined,
  InsertRowBelowOutlined,
  InsertRowRightOutlined,
  PictureOutlined,
  TableOutlined,
  ItalicOutlined,
  OrderedListOutlined,
  RedoOutlined,
  UndoOutlined,
  UnorderedListOutlined,
} from '@ant-design/icons';
import { Button, Divider, Tooltip } from 'antd';
import { EditorContent, useEditor, useEditorState, type Editor } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import { addColumnAfter, addRowAfter, deleteColumn, deleteRow, deleteTable } from '@tiptap/pm/tables';
import { useEffect, useRef, type ReactNode } from 'react';
import { uploadBytes, ApiError } from '../api/client';
import { MAX_IMAGE_BYTES, tooLargeMessage } from '../../server/modules/attachments/domain';
import { cleanPastedHtml, pastedImageSources } from '../../server/modules/items/domain/paste';
import { EDITOR_TABLE_EXTENSIONS } from './editor-nodes';

interface Uploaded {
  id: string;
  url: string;
}

/** Uploads one picture; the refusal message (too large, not an image) is returned, never swallowed. */
async function uploadImage(blob: Blob, name: string): Promise<Uploaded | string> {
  if (blob.size > MAX_IMAGE_BYTES) return tooLargeMessage(blob.size);
  try {
    return await uploadBytes<Uploaded>('/api/attachments', blob, name);
  } catch (e) {
    return e instanceof ApiError ? e.message : '图片上传失败，请重试';
  }
}

function dataUrlToBlob(url: string): Blob | null {
  const m = /^data:([^;,]+)?(;base64)?,(.*)$/s.exec(url);
  if (!m) return null;
  const raw = m[2] ? atob(m[3] ?? '') : decodeURIComponent(m[3] ?? '');
  const bytes = Uint8Array.from(raw, (c) => c.charCodeAt(0));
  return new Blob([bytes], { type: m[1] ?? 'application/octet-stream' });
}

const figureHtml = (url: string) => `<figure><img src="${url}" alt=""><figcaption></figcaption></figure>`;
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Pasted HTML with pictures: each picture is uploaded to the attachment store and becomes a figure with
 * an empty caption; one that cannot be (too large, not an image, a local file:// path the browser may
 * not read and no clipboard file to match) is dropped with a message naming why.
 */
async function withUploadedImages(html: string, files: File[]): Promise<{ html: string; refused: string[] }> {
  const refused: string[] = [];
  const spare = [...files];
  let out = html;
  let n = 0;
  for (const src of pastedImageSources(html)) {
    n++;
    let blob: Blob | null = null;
    let name = `粘贴图片${n}`;
    if (src.startsWith('data:')) blob = dataUrlToBlob(src);
    else if (/^\/files\//.test(src)) continue;
    else {
      const f = spare.shift();
      if (f) {
        blob = f;
        name = f.name || name;
      }
    }
    let replacement = '';
    if (!blob)
      refused.push(`第${n}张图片无法从剪贴板读取（Word 中的图片为本机文件），请使用工具栏“插入图片”单独上传`);
    else {
      const r = await uploadImage(blob, name);
      if (typeof r === 'string') refused.push(`第${n}张图片未插入：${r}`);
      else replacement = `</p>${figureHtml(esc(r.url))}<p>`;
    }
    out = out.replace(
      new RegExp(`<img\\b[^>]*\\bsrc="${src.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[^>]*>`),
      replacement,
    );
  }
  return { html: out.replace(/<p>\s*<\/p>/g, ''), refused };
}

const TABLE_3X3 = `<table><tr><th><p></p></th><th><p></p></th><th><p></p></th></tr>${'<tr><td><p></p></td><td><p></p></td><td><p></p></td></tr>'.repeat(2)}</table><p></p>`;

/**
 * The body editor: only what the server's allow-list keeps (paragraphs, h2/h3, bold, italic, lists,
 * blockquote, tables, captioned pictures). Pasting from Word/WPS is cleaned first (tables kept); pasted
 * pictures are uploaded to the attachment store or refused with a message.
 */
export function RichTextEditor(props: {
  value: string;
  onChange(html: string, text: string): void;
  id?: string;
  ariaLabel?: string;
  disabled?: boolean;
  /** Told about every picture that was refused (and why) and about uploads in progress. */
  onNotice?: (kind: 'warning' | 'info', text: string) => void;
}) {
  const { value, onChange, id, ariaLabel = '正文', disabled = false } = props;
  const notice = useRef(props.onNotice);
  notice.current = props.onNotice;
  const editorRef = useRef<Editor | null>(null);
  const loadingExternal = useRef(false);
  const touched = useRef(false);
  const touch = () => {
    touched.current = true;
  };

  const insertPasted = async (html: string, files: File[]) => {
    const hasImages = pastedImageSources(html).length > 0;
    if (hasImages) notice.current?.('info', '正在上传粘贴的图片……');
    const r = await withUploadedImages(html, files);
    editorRef.current?.chain().focus().insertContent(r.html).run();
    for (const m of r.refused) notice.current?.('warning', m);
  };

  const insertFiles = async (files: File[]) => {
    for (const f of files) {
      const r = await uploadImage(f, f.name);
      if (typeof r === 'string') notice.current?.('warning', `${f.name}：${r}`);
      else
        editorRef.current
          ?.chain()
          .focus()
          .insertContent(figureHtml(esc(r.url)))
          .run();
    }
  };

  const editor = useEditor({
    // TipTap's own base styles are inline: under the CSP they need the page's nonce.
    injectNonce: cspNonce,
    extensions: [
      StarterKit.configure({
        heading: { levels: [2, 3] },
        code: false,
        codeBlock: false,
        horizontalRule: false,
        link: false,
        underline: false,
        strike: false,
      }),
      ...EDITOR_TABLE_EXTENSIONS,
    ],
    content: value,
    editable: !disabled,
    editorProps: {
      attributes: {
        class: 'zx-doc',
        role: 'textbox',
        'aria-multiline': 'true',
        'aria-label': ariaLabel,
        ...(id ? { id } : {}),
        'data-testid': 'body-editor',
      },
      // Word/WPS HTML is cleaned to semantic HTML (tables kept) before the schema reads it.
      transformPastedHTML: (html) => cleanPastedHtml(html),
      handlePaste: (_view, event) => {
        const data = event.clipboardData;
        if (!data) return false;
        const files = [...data.files].filter((f) => f.type.startsWith('image/') || f.type === '');
        const html = data.getData('text/html');
        if (html) {
          const cleaned = cleanPastedHtml(html);
          if (pastedImageSources(cleaned).length === 0) return false;
          event.preventDefault();
          void insertPasted(cleaned, files);
          return true;
        }
        if (files.length > 0) {
          event.preventDefault();
          void insertFiles(files);
          return true;
        }
        return false;
      },
      handleDrop: (_view, event) => {
        const files = [...(event.dataTransfer?.files ?? [])];
        if (files.length === 0) return false;
        event.preventDefault();
        void insertFiles(files);
        return true;
      },
    },
    // Changes made while loading outside content (e.g. the table plugin normalising a loaded table) are
    // not the writer's edits: they must not mark the draft unsaved.
    // Only the writer's own edits count: changes before any key, click, paste or drop in the editor (the
    // table plugin and node views normalising loaded content) must not mark the draft unsaved.
    onUpdate: ({ editor: e }) => {
      if (!loadingExternal.current && touched.current) onChange(e.getHTML(), e.getText());
    },
    immediatelyRender: true,
  });

  editorRef.current = editor;

  // Outside changes (loading a version) replace the content; the editor's own typing does not loop back.
  useEffect(() => {
    if (!editor || editor.isDestroyed) return;
    if (value === editor.getHTML()) return;
    loadingExternal.current = true;
    try {
      editor.commands.setContent(value, { emitUpdate: false });
    } finally {
      loadingExternal.current = false;
    }
  }, [editor, value]);

  useEffect(() => {
    if (editor && !editor.isDestroyed) editor.setEditable(!disabled);
  }, [editor, disabled]);

  return (
    <div
      className="zx-editor"
      onKeyDownCapture={touch}
      onMouseDownCapture={touch}
      onPasteCapture={touch}
      onDropCapture={touch}
    >
      {editor ? (
        <Toolbar editor={editor} disabled={disabled} onPickImages={(files) => void insertFiles(files)} />
      ) : null}
      <div className="zx-editor-body">
        <EditorContent editor={editor} />
      </div>
    </div>
  );
}

function Toolbar({
  editor,
  disabled,
  onPickImages,
}: {
  editor: Editor;
  disabled: boolean;
  onPickImages(files: File[]): void;
}) {
  const fileInput = useRef<HTMLInputElement>(null);
  const s = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      bold: e.isActive('bold'),
      italic: e.isActive('italic'),
      h2: e.isActive('heading', { level: 2 }),
      h3: e.isActive('heading', { level: 3 }),
      bullet: e.isActive('bulletList'),
      ordered: e.isActive('orderedList'),
      quote: e.isActive('blockquote'),
      canUndo: e.can().undo(),
      canRedo: e.can().redo(),
      inTable: e.isActive('table'),
    }),
  });
  const btn = (label: string, icon: ReactNode, active: boolean, run: () => void, enabled = true) => (
    <Tooltip title={label} key={label}>
      <Button
        type={active ? 'primary' : 'text'}
        ghost={active}
        size="small"
        aria-label={label}
        aria-pressed={active}
        disabled={disabled || !enabled}
        icon={icon}
        onMouseDown={(e) => e.preventDefault()}
        onClick={run}
      />
    </Tooltip>
  );
  const text = (t: string) => <span style={{ fontWeight: 600, fontSize: 12 }}>{t}</span>;
  const chain = () => editor.chain().focus();
  const run = (cmd: (state: Editor['state'], dispatch?: Editor['view']['dispatch']) => boolean) => {
    cmd(editor.state, editor.view.dispatch);
    editor.view.focus();
  };
  return (
    <div className="zx-editor-toolbar" role="toolbar" aria-label="正文格式">
      {btn('撤销 (Ctrl+Z)', <UndoOutlined />, false, () => chain().undo().run(), s.canUndo)}
      {btn('重做 (Ctrl+Y)', <RedoOutlined />, false, () => chain().redo().run(), s.canRedo)}
      <Divider orientation="vertical" style={{ height: 22, margin: '0 4px', alignSelf: 'center' }} />
      {btn('加粗 (Ctrl+B)', <BoldOutlined />, s.bold, () => chain().toggleBold().run())}
      {btn('倾斜 (Ctrl+I)', <ItalicOutlined />, s.italic, () => chain().toggleItalic().run())}
      <Divider orientation="vertical" style={{ height: 22, margin: '0 4px', alignSelf: 'center' }} />
      {btn('一级标题', text('H2'), s.h2, () => chain().toggleHeading({ level: 2 }).run())}
      {btn('二级标题', text('H3'), s.h3, () => chain().toggleHeading({ level: 3 }).run())}
      {btn('正文段落', text('正文'), !s.h2 && !s.h3 && !s.quote, () => chain().setParagraph().run())}
      <Divider orientation="vertical" style={{ height: 22, margin: '0 4px', alignSelf: 'center' }} />
      {btn('无序列表', <UnorderedListOutlined />, s.bullet, () => chain().toggleBulletList().run())}
      {btn('有序列表', <OrderedListOutlined />, s.ordered, () => chain().toggleOrderedList().run())}
      {btn('引用', text('“ ”'), s.quote, () => chain().toggleBlockquote().run())}
      <Divider orientation="vertical" style={{ height: 22, margin: '0 4px', alignSelf: 'center' }} />
      {btn('插入表格（3行3列）', <TableOutlined />, false, () => chain().insertContent(TABLE_3X3).run())}
      {s.inTable ? (
        <>
          {btn('在下方插入行', <InsertRowBelowOutlined />, false, () => run(addRowAfter))}
          {btn('在右侧插入列', <InsertRowRightOutlined />, false, () => run(addColumnAfter))}
          {btn('删除当前行', text('删行'), false, () => run(deleteRow))}
          {btn('删除当前列', text('删列'), false, () => run(deleteColumn))}
          {btn('删除表格', <DeleteOutlined />, false, () => run(deleteTable))}
        </>
      ) : null}
      {btn('插入图片（JPG/PNG/GIF，不超过5MB）', <PictureOutlined />, false, () =>
        fileInput.current?.click(),
      )}
      <input
        ref={fileInput}
        type="file"
        accept="image/jpeg,image/png,image/gif"
        multiple
        style={{ display: 'none' }}
        data-testid="image-input"
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = '';
          if (files.length) onPickImages(files);
        }}
      />
    </div>
  );
}
