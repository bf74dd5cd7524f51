import { EditOutlined, ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Input, Select, Space, Typography } from 'antd';
import { ResponsiveTable } from '../components/ResponsiveTable';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import type { ItemRow } from '../api/types';
import { hasRole, useMe } from '../auth/AuthContext';
import { ItemStatusTag, UrgencyTag } from '../components/Tags';
import { formatTime, useKeysetList, useUrlFilters } from '../hooks';
import {
  CATEGORIES,
  CATEGORY_LABELS,
  ITEM_STATES,
  ITEM_STATE_LABELS,
  categoryLabel,
  type ItemState,
} from '../labels';
import { PageContainer } from '../layout/PageContainer';

type Box = 'mine' | 'unit' | 'review' | 'signoff';

const TITLES: Record<Box, { title: string; empty: string; hint: string }> = {
  mine: { title: '我的稿件', empty: '您还没有撰写稿件', hint: '本人撰写的全部稿件及其报送进度' },
  unit: {
    title: '本单位稿件',
    empty: '本单位暂无稿件',
    hint: '本单位所有信息稿件（含草稿、审核中、已报送）',
  },
  review: {
    title: '待审核',
    empty: '暂无待审核的稿件',
    hint: '信息员提交审核的稿件：审核通过，或填写意见退回修改',
  },
  signoff: {
    title: '待签发',
    empty: '暂无待签发的稿件',
    hint: '审核通过的稿件：签发报送上级，或填写意见退回修改',
  },
};

const PAGE = 20;

export function ItemListPage({ box }: { box: Box }) {
  const me = useMe();
  const navigate = useNavigate();
  const { params, setFilters } = useUrlFilters();
  const state = (params.get('state') as ItemState | null) ?? undefined;
  const category = params.get('category') ?? undefined;
  const q = params.get('q') ?? '';
  const [keyword, setKeyword] = useState(q);

  useEffect(() => setKeyword(q), [q]);
  const { rows, loading, loadingMore, hasMore, loadMore, reload } = useKeysetList<ItemRow>('/api/items', {
    box,
    state,
    category,
    q,
    limit: PAGE,
  });
  const setFilter = (key: string, value: string | undefined) => setFilters({ [key]: value });

  const columns: ColumnsType<ItemRow> = [
    {
      title: '标题',
      dataIndex: 'title',
      render: (t: string, r) => (
        <Space size={4}>
          <UrgencyTag urgency={r.urgency} />
          <Link to={`/items/${r.id}`}>{t || '（无标题）'}</Link>
        </Space>
      ),
    },
    { title: '类别', dataIndex: 'category', width: 110, render: (c: string) => categoryLabel(c) },
    ...(box === 'mine'
      ? []
      : [
          { title: '撰稿人', dataIndex: 'authorName', width: 100 },
          ...(me.units.length > 1 ? [{ title: '单位', dataIndex: 'orgName', width: 180 }] : []),
        ]),
    { title: '版本', dataIndex: 'currentVersionNo', width: 70, render: (n: number) => `第${n}版` },
    {
      title: '状态',
      dataIndex: 'state',
      width: 110,
      render: (_: unknown, r) => (
        <ItemStatusTag state={r.state} hopStates={r.hopStates} adoptedIn={r.adoptedIn} />
      ),
    },
    { title: '更新时间', dataIndex: 'updatedAt', width: 160, render: (t: string) => formatTime(t) },
    {
      title: '操作',
      key: 'op',
      width: 100,
      render: (_: unknown, r) => (
        <Link to={`/items/${r.id}`}>{box === 'review' ? '审核' : box === 'signoff' ? '签发' : '查看'}</Link>
      ),
    },
  ];

  const meta = TITLES[box];
  return (
    <PageContainer
      title={meta.title}
      crumbs={[
        { title: box === 'review' || box === 'signoff' ? '信息报送' : '信息报送' },
        { title: meta.title },
      ]}
      extra={
        hasRole(me, ['writer']) && (box === 'mine' || box === 'unit') ? (
          <Button type="primary" icon={<EditOutlined />} onClick={() => navigate('/items/new')}>
            撰写信息
          </Button>
        ) : null
      }
    >
      <Card>
        <Typography.Paragraph type="secondary">{meta.hint}</Typography.Paragraph>
        <Space wrap className="zx-filter-bar">
          {box === 'mine' || box === 'unit' ? (
            <Select
              allowClear
              placeholder="全部状态"
              aria-label="状态"
              style={{ width: 140 }}
              value={state}
              onChange={(v?: string) => setFilter('state', v)}
              options={ITEM_STATES.map((s) => ({ value: s, label: ITEM_STATE_LABELS[s] }))}
            />
          ) : null}
          <Select
            allowClear
            placeholder="全部类别"
            aria-label="信息类别"
            style={{ width: 150 }}
            value={category}
            onChange={(v?: string) => setFilter('category', v)}
            options={CATEGORIES.map((c) => ({ value: c, label: CATEGORY_LABELS[c] }))}
          />
          <Input.Search
            allowClear
            placeholder="按标题搜索"
            aria-label="按标题搜索"
            enterButton={<SearchOutlined />}
            style={{ width: 260 }}
            value={keyword}
            onChange={(e) => setKeyword(e.target.value)}
            onSearch={(v) => setFilter('q', v.trim() || undefined)}
          />
          <Button icon={<ReloadOutlined />} onClick={reload}>
            刷新
          </Button>
        </Space>
        <ResponsiveTable<ItemRow>
          rowKey="id"
          columns={columns}
          dataSource={rows}
          loading={loading}
          pagination={false}
          size="middle"
          locale={{ emptyText: <Empty description={meta.empty} /> }}
        />
        <div style={{ textAlign: 'center', marginTop: 16 }}>
          {hasMore ? (
            <Button onClick={() => void loadMore()} loading={loadingMore}>
              加载更多
            </Button>
          ) : rows.length > 0 ? (
            <Typography.Text type="secondary">已显示全部 {rows.length} 条</Typography.Text>
          ) : null}
        </div>
      </Card>
    </PageContainer>
  );
}
