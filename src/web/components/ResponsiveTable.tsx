import { Empty, Pagination, Spin, Table, type TableProps } from 'antd';
import type { Key, ReactNode } from 'react';
import { useIsPhone } from '../layout/responsive';

export interface ResponsiveTableProps<T> extends TableProps<T> {
  /** The column (its key or dataIndex) that heads each card on phones; the first column by default. */
  cardTitle?: string;
  /** Columns left off the cards on phones (e.g. a sequence number). */
  cardHidden?: string[];
}

/** The few column fields the cards use (antd's own column types are too heavy to walk generically). */
interface Leaf<T> {
  key?: Key;
  dataIndex?: string | number | readonly (string | number)[];
  title?: unknown;
  hidden?: boolean;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- antd's render receives the cell value untyped
  render?: (value: any, record: T, index: number) => unknown;
  children?: Leaf<T>[];
}

function leaves<T>(cols: readonly Leaf<T>[]): Leaf<T>[] {
  return cols.flatMap((c) => (c.children ? leaves(c.children) : [c]));
}

function colId<T>(c: Leaf<T>, i: number): string {
  if (c.key !== undefined) return String(c.key);
  if (Array.isArray(c.dataIndex)) return c.dataIndex.join('.');
  if (c.dataIndex !== undefined) return String(c.dataIndex as string | number);
  return `col-${i}`;
}

function valueOf<T>(record: T, c: Leaf<T>): unknown {
  const d = c.dataIndex;
  const path: readonly (string | number)[] = d === undefined ? [] : typeof d === 'object' ? d : [d];
  let v: unknown = record;
  for (const k of path)
    v = v === null || v === undefined ? undefined : (v as Record<string | number, unknown>)[k];
  return path.length ? v : undefined;
}

function cell<T>(record: T, c: Leaf<T>, index: number): ReactNode {
  const v = valueOf(record, c);
  if (c.render) return c.render(v, record, index) as ReactNode;
  if (v === null || v === undefined || v === '') return null;
  return typeof v === 'object' ? null : String(v as string | number | boolean);
}

function rowKeyOf<T>(record: T, index: number, rowKey: TableProps<T>['rowKey']): Key {
  if (typeof rowKey === 'function') return rowKey(record, index);
  const k = (record as Record<string, unknown>)[String(rowKey ?? 'key')];
  return typeof k === 'string' || typeof k === 'number' ? k : index;
}

/**
 * A list that is a table on desktop and a stack of cards on phones: each card is headed by the title column
 * and shows the other columns as label–value lines, rendered by the same column definitions. Drop-in for
 * antd's Table (same props); pages get the phone layout by using it instead.
 */
export function ResponsiveTable<T extends object>(props: ResponsiveTableProps<T>) {
  const { cardTitle, cardHidden = [], ...tableProps } = props;
  const phone = useIsPhone();
  if (!phone) return <Table<T> {...tableProps} />;

  const { columns, dataSource = [], loading, pagination, locale, rowKey, onRow } = tableProps;
  const cols = leaves((columns ?? []) as unknown as readonly Leaf<T>[]).filter(
    (c, i) => !c.hidden && !cardHidden.includes(colId(c, i)),
  );
  const titleIndex = Math.max(
    0,
    cols.findIndex((c, i) => cardTitle !== undefined && colId(c, i) === cardTitle),
  );
  const spinning = typeof loading === 'object' ? Boolean(loading.spinning) : Boolean(loading);
  const pageProps = pagination && typeof pagination === 'object' ? pagination : null;
  const pageSize = pageProps?.pageSize ?? pageProps?.defaultPageSize ?? 10;
  const current = pageProps?.current ?? 1;
  const shown =
    pagination === false ||
    (pageProps && pageProps.total !== undefined && pageProps.total > dataSource.length)
      ? dataSource
      : dataSource.slice((current - 1) * pageSize, current * pageSize);
  const empty = locale?.emptyText;

  return (
    <Spin spinning={spinning}>
      <div className="zx-cards" role="list">
        {shown.length === 0 && !spinning
          ? typeof empty === 'function'
            ? empty()
            : (empty ?? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />)
          : null}
        {shown.map((record, index) => {
          const rowProps = onRow?.(record, index) ?? {};
          const title = cols[titleIndex];
          return (
            <div
              key={rowKeyOf(record, index, rowKey)}
              role="listitem"
              className="zx-card"
              onClick={rowProps.onClick}
              style={rowProps.onClick ? { cursor: 'pointer' } : undefined}
            >
              {title ? <div className="zx-card-title">{cell(record, title, index)}</div> : null}
              {cols.map((c, i) => {
                if (i === titleIndex) return null;
                const content = cell(record, c, index);
                if (content === null || content === undefined || content === '') return null;
                const label = typeof c.title === 'function' ? null : (c.title as ReactNode);
                return (
                  <div className="zx-card-field" key={colId(c, i)}>
                    {label ? <span className="zx-card-label">{label}</span> : null}
                    <span className="zx-card-value">{content}</span>
                  </div>
                );
              })}
            </div>
          );
        })}
      </div>
      {pageProps && (pageProps.total ?? dataSource.length) > pageSize ? (
        <Pagination
          simple
          size="small"
          style={{ marginTop: 12, textAlign: 'center' }}
          current={current}
          pageSize={pageSize}
          total={pageProps.total ?? dataSource.length}
          onChange={pageProps.onChange}
        />
      ) : null}
    </Spin>
  );
}
