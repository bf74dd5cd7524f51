import { DiffOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Select, Space, Spin, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../api/client';
import type { DiffResult, VersionView } from '../api/types';
import { formatTime, useErrorHandler } from '../hooks';
import { DiffView } from './DiffView';

/** Versions of the item (the unit's and the hubs' edits) and a comparison of any two. */
export function VersionsPanel({ itemId, versions }: { itemId: string; versions: readonly VersionView[] }) {
  const onError = useErrorHandler();
  const nos = versions.map((v) => v.no);
  const last = nos[nos.length - 1];
  const prev = nos[nos.length - 2];
  const [from, setFrom] = useState<number | undefined>(prev);
  const [to, setTo] = useState<number | undefined>(last);
  const [diff, setDiff] = useState<DiffResult | null>(null);
  const [loading, setLoading] = useState(false);

  const compare = async (a: number, b: number) => {
    setFrom(a);
    setTo(b);
    setLoading(true);
    try {
      setDiff(await api.get<DiffResult>(`/api/items/${itemId}/diff`, { from: a, to: b }));
    } catch (e) {
      onError(e);
    } finally {
      setLoading(false);
    }
  };

  if (versions.length === 0) return <Empty description="暂无版本" />;
  const options = versions.map((v) => ({ value: v.no, label: `第${v.no}版 · ${v.orgName}` }));
  const changed = diff
    ? diff.body.some((p) => p.op !== 'equal') || diff.title.some((p) => p.op !== 'equal')
    : false;

  return (
    <div>
      <Table<VersionView>
        rowKey="no"
        size="small"
        pagination={false}
        scroll={{ x: 640 }}
        dataSource={[...versions].reverse()}
        columns={[
          { title: '版本', dataIndex: 'no', width: 70, render: (n: number) => `第${n}版` },
          {
            title: '修改单位',
            dataIndex: 'orgName',
            render: (n: string, v) => (
              <Space size={4}>
                {n}
                {v.byHub ? <Tag color="purple">上级修改</Tag> : null}
              </Space>
            ),
          },
          { title: '修改人', dataIndex: 'authorName', width: 90 },
          { title: '说明', dataIndex: 'note', width: 150, render: (t: string | null) => t ?? '—' },
          { title: '时间', dataIndex: 'createdAt', width: 132, render: (t: string) => formatTime(t) },
          {
            title: '比较',
            key: 'cmp',
            width: 120,
            fixed: 'right' as const,
            render: (_: unknown, v) => {
              const base = v.basedOnNo ?? nos[nos.indexOf(v.no) - 1];
              return base ? (
                <Button
                  type="link"
                  size="small"
                  icon={<DiffOutlined />}
                  onClick={() => void compare(base, v.no)}
                >
                  与第{base}版比较
                </Button>
              ) : (
                <Typography.Text type="secondary">初稿</Typography.Text>
              );
            },
          },
        ]}
      />
      {versions.length > 1 ? (
        <Card size="small" style={{ marginTop: 12 }} title="版本比较">
          <Space wrap style={{ marginBottom: 12 }}>
            <Select
              aria-label="原版本"
              style={{ width: 260 }}
              value={from}
              onChange={setFrom}
              options={options}
            />
            <span>→</span>
            <Select
              aria-label="新版本"
              style={{ width: 260 }}
              value={to}
              onChange={setTo}
              options={options}
            />
            <Button
              type="primary"
              icon={<DiffOutlined />}
              disabled={!from || !to || from === to}
              onClick={() => from && to && void compare(from, to)}
            >
              比较
            </Button>
            <Typography.Text type="secondary">
              <ins style={{ background: '#dcfce7', color: '#166534' }}>新增</ins>{' '}
              <del style={{ background: '#fee2e2', color: '#991b1b' }}>删除</del>
            </Typography.Text>
          </Space>
          <Spin spinning={loading}>
            {diff ? (
              <div>
                <Typography.Text type="secondary">
                  第{diff.from}版 → 第{diff.to}版{changed ? '' : '：内容无变化'}
                </Typography.Text>
                <div style={{ fontWeight: 600, margin: '8px 0' }}>
                  <DiffView parts={diff.title} testId="diff-title" />
                </div>
                <DiffView parts={diff.body} testId="diff-body" />
              </div>
            ) : (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="选择两个版本后点击“比较”" />
            )}
          </Spin>
        </Card>
      ) : null}
    </div>
  );
}
