import { Extension, mergeAttributes, Node } from '@tiptap/core';
import { goToNextCell, tableEditing } from '@tiptap/pm/tables';

/**
 * Tables and captioned figures for the body editor, on ProseMirror's own table support
 * (@tiptap/pm/tables): the schema matches what the server's sanitiser keeps (table/tr/th/td with
 * colspan/rowspan; figure = img + figcaption).
 */
const spanAttrs = {
  colspan: {
    default: 1,
    parseHTML: (el: HTMLElement) => Number(el.getAttribute('colspan') ?? 1) || 1,
    renderHTML: (a: Record<string, unknown>) => (Number(a.colspan) > 1 ? { colspan: a.colspan } : {}),
  },
  rowspan: {
    default: 1,
    parseHTML: (el: HTMLElement) => Number(el.getAttribute('rowspan') ?? 1) || 1,
    renderHTML: (a: Record<string, unknown>) => (Number(a.rowspan) > 1 ? { rowspan: a.rowspan } : {}),
  },
  colwidth: { default: null, rendered: false },
};

// prosemirror-tables finds its nodes by `tableRole` in the node spec; Tiptap passes it through
// extendNodeSchema below.
export const TableNode = Node.create({
  name: 'table',
  group: 'block',
  content: 'tableRow+',
  isolating: true,
  tableRole: 'table',
  parseHTML: () => [{ tag: 'table' }],
  renderHTML: ({ HTMLAttributes }) => ['table', mergeAttributes(HTMLAttributes), ['tbody', 0]],
});

export const TableRowNode = Node.create({
  name: 'tableRow',
  content: '(tableCell | tableHeader)*',
  tableRole: 'row',
  parseHTML: () => [{ tag: 'tr' }],
  renderHTML: ({ HTMLAttributes }) => ['tr', mergeAttributes(HTMLAttributes), 0],
});

export const TableCellNode = Node.create({
  name: 'tableCell',
  content: 'paragraph+',
  isolating: true,
  tableRole: 'cell',
  addAttributes: () => spanAttrs,
  parseHTML: () => [{ tag: 'td' }],
  renderHTML: ({ HTMLAttributes }) => ['td', mergeAttributes(HTMLAttributes), 0],
});

export const TableHeaderNode = Node.create({
  name: 'tableHeader',
  content: 'paragraph+',
  isolating: true,
  tableRole: 'header_cell',
  addAttributes: () => spanAttrs,
  parseHTML: () => [{ tag: 'th' }],
  renderHTML: ({ HTMLAttributes }) => ['th', mergeAttributes(HTMLAttributes), 0],
});

declare module '@tiptap/core' {
  interface NodeConfig {
    /** prosemirror-tables' role of the node (table, row, cell, header_cell). */
    tableRole?: string;
  }
}

export const TableSupport = Extension.create({
  name: 'tableSupport',
  extendNodeSchema(extension) {
    const role = (extension.config as { tableRole?: string }).tableRole;
    return role ? { tableRole: role } : {};
  },
  addProseMirrorPlugins: () => [tableEditing()],
  addKeyboardShortcuts: () => ({
    Tab: ({ editor }) => goToNextCell(1)(editor.state, editor.view.dispatch),
    'Shift-Tab': ({ editor }) => goToNextCell(-1)(editor.state, editor.view.dispatch),
  }),
});

/** A picture from the attachment store with its caption (图注), which the writer types under it. */
export const FigureNode = Node.create({
  name: 'figure',
  group: 'block',
  content: 'inline*',
  draggable: true,
  isolating: true,
  addAttributes: () => ({
    src: { default: null },
    alt: { default: '' },
  }),
  parseHTML: () => [
    {
      tag: 'figure',
      contentElement: 'figcaption',
      getAttrs: (el: HTMLElement) => {
        const img = el.querySelector('img');
        return img ? { src: img.getAttribute('src'), alt: img.getAttribute('alt') ?? '' } : false;
      },
    },
    // A bare picture becomes a figure with an empty caption for the writer to fill.
    {
      tag: 'img[src]',
      getAttrs: (el: HTMLElement) => ({ src: el.getAttribute('src'), alt: el.getAttribute('alt') ?? '' }),
    },
  ],
  renderHTML: ({ HTMLAttributes }) => [
    'figure',
    ['img', { src: HTMLAttributes.src as string, alt: (HTMLAttributes.alt as string) ?? '' }],
    ['figcaption', 0],
  ],
});

export const EDITOR_TABLE_EXTENSIONS = [
  TableSupport,
  TableNode,
  TableRowNode,
  TableHeaderNode,
  TableCellNode,
  FigureNode,
];
