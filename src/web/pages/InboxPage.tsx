import { ReloadOutlined, SearchOutlined, ClockCircleOutlined } from '@ant-design/icons';
import { Button, Card, DatePicker, Empty, Input, Select, Space, Tabs, Tag, Tooltip, Typography } from 'antd';
import { ResponsiveTable } from '../components/ResponsiveTable';
import type { ColumnsType } from 'antd/es/table';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import type { InboxRow } from '../api/types';
import { unitsWithRole, useMe } from '../auth/AuthContext';
import { HopStateTag, UrgencyTag } from '../components/Tags';
import { formatTime, useKeysetList, useUrlFilters } from '../hooks';
import {
  CATEGORIES,
  CATEGORY_LABELS,
  URGENCIES,
  URGENCY_LABELS,
  categoryLabel,
  HOP_STATES,
  HOP_STATE_LABELS,
  type HopState,
} from '../labels';
import { PageContainer } from '../layout/PageContainer';
import { HUB_ROLES } from '../../server/modules/orgs/domain';

const TABS: { key: HopState | 'all' | 'out'; label: string }[] = [
  { key: 'pending', label: '待签收' },
  { key: 'received', label: '已签收' },
  { key: 'handled', label: '已处理' },
  { key: 'returned', label: '已退回' },
  { key: 'rejected', label: '已退稿' },
  { key: 'archived', label: '已存档' },
  { key: 'all', label: '全部' },
  { key: 'out', label: '转报件' },
];

const PAGE = 20;

/** A hub's 收件箱: what the units below (and forwarding hubs) submitted to it. */
export function InboxPage() {
  const me = useMe();
  const hubs = unitsWithRole(me, HUB_ROLES);
  const { params, setFilters } = useUrlFilters();
  const out = params.get('direction') === 'out';
  const tab = out ? 'out' : ((params.get('state') as HopState | null) ?? 'all');
  const outState = out ? ((params.get('state') as HopState | null) ?? undefined) : undefined;
  const hubId = params.get('hubId') ?? undefined;
  const category = params.get('category') ?? undefined;
  const urgency = params.get('urgency') ?? undefined;
  const q = params.get('q') ?? '';
  const since = params.get('since') ?? undefined;
  const until = params.get('until') ?? undefined;
  const [keyword, setKeyword] = useState(q);

  const query = useMemo(
    () => ({
      hubId,
      direction: out ? 'out' : undefined,
      state: out ? outState : tab === 'all' ? undefined : tab,
      category,
      urgency,
      q,
      since: since ? dayjs(since).startOf('day').toISOString() : undefined,
      until: until ? dayjs(until).endOf('day').toISOString() : undefined,
      limit: PAGE,
    }),
    [hubId, out, outState, tab, category, urgency, q, since, until],
  );

  useEffect(() => setKeyword(q), [q]);
  const { rows, loading, loadingMore, hasMore, loadMore, reload } = useKeysetList<InboxRow>(
    '/api/inbox',
    query,
  );

  const columns: ColumnsType<InboxRow> = [
    {
      title: '标题',
      dataIndex: 'title',
      render: (t: string, r) => (
        <Space size={4} wrap>
          <UrgencyTag urgency={r.urgency} />
          <Link to={`/items/${r.itemId}`}>{t}</Link>
          {r.forwarded ? <Tag color="purple">转报</Tag> : null}
        </Space>
      ),
    },
    ...(out
      ? [{ title: '转报至', dataIndex: 'toOrgName', width: 200 }]
      : [
          {
            title: '报送单位',
            dataIndex: 'fromOrgName',
            width: 200,
            render: (n: string, r: InboxRow) => (
              <div>
                <div>{n}</div>
                {r.forwarded && r.originOrgName !== n ? (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    原发：{r.originOrgName}
                  </Typography.Text>
                ) : null}
              </div>
            ),
          },
        ]),
    { title: '类别', dataIndex: 'category', width: 100, render: (c: string) => categoryLabel(c) },
    ...(hubs.length > 1 && !out ? [{ title: '接收单位', dataIndex: 'toOrgName', width: 160 }] : []),
    {
      title: '状态',
      dataIndex: 'state',
      width: 100,
      render: (s: HopState) => <HopStateTag state={s} />,
    },
    {
      title: '报送时间',
      dataIndex: 'submittedAt',
      width: 150,
      render: (t: string, r) => (
        <div>
          <div>{formatTime(t)}</div>
          {r.state === 'pending' && r.signForDeadline ? (
            <Tooltip title="特急信息签收时限">
              <Typography.Text
                type={dayjs(r.signForDeadline).isBefore(dayjs()) ? 'danger' : 'warning'}
                style={{ fontSize: 12 }}
              >
                <ClockCircleOutlined /> 限 {formatTime(r.signForDeadline)}
              </Typography.Text>
            </Tooltip>
          ) : null}
        </div>
      ),
    },
    {
      title: '操作',
      key: 'op',
      width: 80,
      render: (_: unknown, r) => (
        <Link to={`/items/${r.itemId}`}>{r.state === 'pending' ? '处理' : '查看'}</Link>
      ),
    },
  ];

  const range: [Dayjs, Dayjs] | null = since && until ? [dayjs(since), dayjs(until)] : null;

  return (
    <PageContainer title="收件箱" crumbs={[{ title: '信息处理' }, { title: '收件箱' }]}>
      <Card>
        <Tabs
          activeKey={tab}
          onChange={(k) =>
            k === 'out'
              ? setFilters({ direction: 'out', state: undefined })
              : setFilters({ direction: undefined, state: k === 'all' ? undefined : k })
          }
          items={TABS.map((t) => ({ key: t.key, label: t.label }))}
        />
        <Space wrap className="zx-filter-bar">
          {out ? (
            <Select
              allowClear
              placeholder="全部状态"
              aria-label="转报状态"
              style={{ width: 140 }}
              value={outState}
              onChange={(v?: string) => setFilters({ state: v })}
              options={HOP_STATES.filter((x) => x !== 'withdrawn').map((x) => ({
                value: x,
                label: x === 'returned' ? '被退回' : HOP_STATE_LABELS[x],
              }))}
            />
          ) : null}
          {hubs.length > 1 ? (
            <Select
              allowClear
              placeholder="全部接收单位"
              aria-label="接收单位"
              style={{ width: 200 }}
              value={hubId}
              onChange={(v?: string) => setFilters({ hubId: v })}
              options={hubs.map((h) => ({ value: h.id, label: h.name ?? h.id }))}
            />
          ) : null}
          <Select
            allowClear
            placeholder="全部类别"
            aria-label="信息类别"
            style={{ width: 140 }}
            value={category}
            onChange={(v?: string) => setFilters({ category: v })}
            options={CATEGORIES.map((c) => ({ value: c, label: CATEGORY_LABELS[c] }))}
          />
          <Select
            allowClear
            placeholder="紧急程度"
            aria-label="紧急程度"
            style={{ width: 120 }}
            value={urgency}
            onChange={(v?: string) => setFilters({ urgency: v })}
            options={URGENCIES.map((u) => ({ value: u, label: URGENCY_LABELS[u] }))}
          />
          <DatePicker.RangePicker
            aria-label="报送日期"
            value={range}
            onChange={(v) =>
              setFilters({
                since: v?.[0] ? v[0].format('YYYY-MM-DD') : undefined,
                until: v?.[1] ? v[1].format('YYYY-MM-DD') : undefined,
              })
            }
          />
          <Input.Search
            allowClear
            placeholder="按标题搜索"
            aria-label="按标题搜索"
            enterButton={<SearchOutlined />}
            style={{ width: 240 }}
            value={keyword}
            onChange={(e) => setKeyword(e.target.value)}
            onSearch={(v) => setFilters({ q: v.trim() || undefined })}
          />
          <Button icon={<ReloadOutlined />} onClick={reload}>
            刷新
          </Button>
        </Space>
        <ResponsiveTable<InboxRow>
          rowKey="hopId"
          columns={columns}
          dataSource={rows}
          loading={loading}
          pagination={false}
          size="middle"
          locale={{ emptyText: <Empty description={out ? '没有符合条件的转报件' : '没有符合条件的来稿'} /> }}
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
