import { ReloadOutlined } from '@ant-design/icons';
import { Badge, Button, Card, Empty, Segmented, Space, Tag, Typography } from 'antd';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import type { ReceivedPage, ReceivedRow } from '../../api/types';
import { chineseDate, periodicalTitle } from '../../components/Bulletin';
import { formatTime, useErrorHandler, useLoad } from '../../hooks';
import { PageContainer } from '../../layout/PageContainer';

/** 收到的刊物: issues sent to my units, unread first. */
export default function ReceivedIssuesPage() {
  const onError = useErrorHandler();
  const [filter, setFilter] = useState<'all' | 'true' | 'false'>('all');
  const [extra, setExtra] = useState<ReceivedRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const query = { unread: filter === 'all' ? undefined : filter, limit: 20 };
  const page = useLoad(async () => {
    const r = await api.get<ReceivedPage>('/api/issues/received', query);
    setExtra([]);
    setCursor(r.nextCursor);
    return r;
  }, [filter]);
  const rows = [...(page.data?.rows ?? []), ...extra];
  const more = async () => {
    if (!cursor) return;
    try {
      const r = await api.get<ReceivedPage>('/api/issues/received', { ...query, cursor });
      setExtra((x) => [...x, ...r.rows]);
      setCursor(r.nextCursor);
    } catch (e) {
      onError(e);
    }
  };
  return (
    <PageContainer
      title="收到的刊物"
      crumbs={[{ title: '期刊阅读' }, { title: '收到的刊物' }]}
      extra={
        <Space>
          <Segmented<'all' | 'true' | 'false'>
            value={filter}
            onChange={(v) => setFilter(v)}
            options={[
              { value: 'all', label: '全部' },
              { value: 'true', label: '未读' },
              { value: 'false', label: '已读' },
            ]}
          />
          <Button icon={<ReloadOutlined />} onClick={page.reload} aria-label="刷新" />
        </Space>
      }
    >
      <Card>
        <ResponsiveTable<ReceivedRow>
          rowKey="id"
          size="middle"
          loading={page.loading}
          dataSource={rows}
          pagination={false}
          locale={{ emptyText: <Empty description="暂未收到刊物" /> }}
          columns={[
            {
              title: '刊物',
              key: 'name',
              render: (_: unknown, r) => (
                <Space>
                  {r.unread ? <Badge status="error" /> : null}
                  <Link to={`/issues/${r.id}`} style={{ fontWeight: r.unread ? 600 : 400 }}>
                    {periodicalTitle(r.periodicalName)}
                    {r.numberLabel}
                  </Link>
                  {r.excerpt ? <Tag color="purple">摘发</Tag> : null}
                  {r.title ? <Typography.Text type="secondary">{r.title}</Typography.Text> : null}
                </Space>
              ),
            },
            { title: '编印单位', dataIndex: 'hubName', width: 200 },
            {
              title: '印发日期',
              dataIndex: 'issueDate',
              width: 140,
              render: (d: string | null) => (d ? chineseDate(d) : '—'),
            },
            { title: '收到时间', dataIndex: 'sentAt', width: 150, render: (t: string) => formatTime(t) },
            {
              title: '状态',
              key: 'read',
              width: 150,
              render: (_: unknown, r) =>
                r.unread ? (
                  <Tag color="orange">未读</Tag>
                ) : (
                  <Space size={4}>
                    <Tag color="green">已读</Tag>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {formatTime(r.readAt)}
                    </Typography.Text>
                  </Space>
                ),
            },
          ]}
        />
        {cursor ? (
          <div style={{ textAlign: 'center', marginTop: 12 }}>
            <Button onClick={() => void more()}>加载更多</Button>
          </div>
        ) : null}
      </Card>
    </PageContainer>
  );
}
