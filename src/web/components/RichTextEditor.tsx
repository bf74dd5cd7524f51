import {
  BoldOutlined,
  ItalicOutlined,
  OrderedListOutlined,
  RedoOutlined,
  UndoOutlined,
  UnorderedListOutlined,
} from '@ant-design/icons';
import { Button, Divider, Tooltip } from 'antd';
import { EditorContent, useEditor, useEditorState, type Editor } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import Image from '@tiptap/extension-image';
import { useEffect, type ReactNode } from 'react';

/**
 * The body editor: only what the server's allow-list keeps (paragraphs, h2/h3, bold, italic, lists,
 * blockquote, images). Pasting from Word is cleaned by the same schema.
 */
export function RichTextEditor(props: {
  value: string;
  onChange(html: string, text: string): void;
  id?: string;
  ariaLabel?: string;
  disabled?: boolean;
}) {
  const { value, onChange, id, ariaLabel = '正文', disabled = false } = props;
  const editor = useEditor({
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
      Image.configure({ inline: false }),
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
    },
    onUpdate: ({ editor: e }) => onChange(e.getHTML(), e.getText()),
    immediatelyRender: true,
  });

  // Outside changes (loading a version) replace the content; the editor's own typing does not loop back.
  useEffect(() => {
    if (!editor || editor.isDestroyed) return;
    if (value !== editor.getHTML()) editor.commands.setContent(value, { emitUpdate: false });
  }, [editor, value]);

  useEffect(() => {
    if (editor && !editor.isDestroyed) editor.setEditable(!disabled);
  }, [editor, disabled]);

  return (
    <div className="zx-editor">
      {editor ? <Toolbar editor={editor} disabled={disabled} /> : null}
      <div className="zx-editor-body">
        <EditorContent editor={editor} />
      </div>
    </div>
  );
}

function Toolbar({ editor, disabled }: { editor: Editor; disabled: boolean }) {
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
    </div>
  );
}
