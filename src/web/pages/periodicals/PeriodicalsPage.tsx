import { PlusOutlined, ReloadOutlined, SettingOutlined } from '@ant-design/icons';
import { App, Button, Card, Empty, Result, Segmented, Space, Tag, Typography } from 'antd';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { api } from '../../api/client';
import {
  ISSUE_STATE_COLORS,
  ISSUE_STATE_LABELS,
  issuePath,
  loadPeriodicals,
  type IssueState,
} from '../../api/periodicals';
import type { IssueListPage, IssueListRow, IssueView, PeriodicalView } from '../../api/types';
import { useMe } from '../../auth/AuthContext';
import { useHub } from '../../components/HubPicker';
import { formatTime, useErrorHandler, useLoad } from '../../hooks';
import { PageContainer } from '../../layout/PageContainer';
import { PeriodicalSettingsDrawer } from './PeriodicalSettingsDrawer';
import { chineseDate } from '../../components/Bulletin';

const STATE_FILTERS: { value: IssueState | 'all'; label: string }[] = [
  { value: 'all', label: '全部' },
  { value: 'draft', label: ISSUE_STATE_LABELS.draft },
  { value: 'in_review', label: ISSUE_STATE_LABELS.in_review },
  { value: 'signed', label: ISSUE_STATE_LABELS.signed },
  { value: 'issued', label: ISSUE_STATE_LABELS.issued },
  { value: 'recalled', label: ISSUE_STATE_LABELS.recalled },
];

/** 刊物管理: a hub's periodicals, their settings, and the issues of the chosen one. */
export default function PeriodicalsPage() {
  const me = useMe();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const onError = useErrorHandler();
  const { hub, picker } = useHub(me, ['editor', 'chief_editor', 'leader', 'org_admin']);
  const [params, setParams] = useSearchParams();
  const list = useLoad(() => (hub ? loadPeriodicals(hub.id) : Promise.resolve([])), [hub?.id]);
  const [editing, setEditing] = useState<PeriodicalView | null>(null);
  const [creating, setCreating] = useState<string | null>(null);
  const rows = list.data ?? [];
  const selected = rows.find((p) => p.id === params.get('p')) ?? rows[0] ?? null;

  const select = (id: string) => {
    const next = new URLSearchParams(params);
    next.set('p', id);
    setParams(next, { replace: true });
  };

  const newIssue = async (p: PeriodicalView) => {
    setCreating(p.id);
    try {
      const issue = await api.post<IssueView>(`/api/periodicals/${p.id}/issues`, {});
      void message.success(`已新建《${p.name}》新一期`);
      navigate(`/issues/${issue.id}/compile`);
    } catch (e) {
      onError(e);
    } finally {
      setCreating(null);
    }
  };

  if (!hub)
    return (
      <PageContainer title="刊物管理" crumbs={[{ title: '期刊编发' }, { title: '刊物管理' }]}>
        <Result
          status="403"
          title="本账号不在信息汇总单位任职"
          subTitle="刊物由信息汇总单位（政府办信息科）编印。"
        />
      </PageContainer>
    );

  const columns: ColumnsType<PeriodicalView> = [
    {
      title: '刊物名称',
      dataIndex: 'name',
      render: (n: string, p) => (
        <Space>
          <Typography.Text strong>《{n}》</Typography.Text>
          {!p.active ? <Tag>已停刊</Tag> : null}
        </Space>
      ),
    },
    { title: '类型', dataIndex: 'kindLabel', width: 80 },
    {
      title: '编印单位',
      dataIndex: 'publisherName',
      render: (n: string | null) => n ?? hub.name,
    },
    { title: '总期号起点', dataIndex: 'totalNoBase', width: 100, align: 'right' },
    {
      title: '默认发送',
      key: 'recipients',
      width: 90,
      align: 'right',
      render: (_: unknown, p) => `${p.defaultRecipientOrgIds.length} 个单位`,
    },
    {
      title: '默认印数',
      dataIndex: 'defaultCopies',
      width: 90,
      align: 'right',
      render: (n: number) => `${n} 份`,
    },
    {
      title: '操作',
      key: 'op',
      width: 220,
      render: (_: unknown, p) => (
        <Space size={4} onClick={(e) => e.stopPropagation()}>
          {p.abilities.compile && p.active ? (
            <Button
              type="link"
              size="small"
              icon={<PlusOutlined />}
              loading={creating === p.id}
              onClick={() => void newIssue(p)}
            >
              新建一期
            </Button>
          ) : null}
          {p.abilities.configure ? (
            <Button type="link" size="small" icon={<SettingOutlined />} onClick={() => setEditing(p)}>
              设置
            </Button>
          ) : null}
        </Space>
      ),
    },
  ];

  return (
    <PageContainer
      title="刊物管理"
      crumbs={[{ title: '期刊编发' }, { title: '刊物管理' }]}
      extra={
        <Space>
          {picker}
          <Button icon={<ReloadOutlined />} onClick={list.reload}>
            刷新
          </Button>
        </Space>
      }
    >
      <Card title={`${hub.name ?? ''}的刊物`} style={{ marginBottom: 16 }}>
        <ResponsiveTable<PeriodicalView>
          rowKey="id"
          size="middle"
          loading={list.loading}
          columns={columns}
          dataSource={rows}
          pagination={false}
          onRow={(p) => ({ onClick: () => select(p.id), style: { cursor: 'pointer' } })}
          rowClassName={(p) => (p.id === selected?.id ? 'ant-table-row-selected' : '')}
          locale={{ emptyText: <Empty description={list.error?.message ?? '本单位尚未创办刊物'} /> }}
        />
      </Card>
      {selected ? <IssuesCard periodical={selected} key={selected.id} /> : null}
      <PeriodicalSettingsDrawer
        periodical={editing}
        onClose={() => setEditing(null)}
        onSaved={(p) => {
          list.setData(rows.map((x) => (x.id === p.id ? p : x)));
          setEditing(null);
        }}
      />
    </PageContainer>
  );
}

function IssuesCard({ periodical }: { periodical: PeriodicalView }) {
  const [state, setState] = useState<IssueState | 'all'>('all');
  const [extra, setExtra] = useState<IssueListRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const onError = useErrorHandler();
  const page = useLoad(async () => {
    const r = await api.get<IssueListPage>(`/api/periodicals/${periodical.id}/issues`, {
      state: state === 'all' ? undefined : state,
      limit: 20,
    });
    setExtra([]);
    setCursor(r.nextCursor);
    return r;
  }, [periodical.id, state]);
  const rows = [...(page.data?.rows ?? []), ...extra];
  const more = async () => {
    if (!cursor) return;
    try {
      const r = await api.get<IssueListPage>(`/api/periodicals/${periodical.id}/issues`, {
        state: state === 'all' ? undefined : state,
        limit: 20,
        cursor,
      });
      setExtra((x) => [...x, ...r.rows]);
      setCursor(r.nextCursor);
    } catch (e) {
      onError(e);
    }
  };
  return (
    <Card
      title={`《${periodical.name}》各期`}
      extra={<Segmented value={state} onChange={(v) => setState(v)} options={STATE_FILTERS} />}
    >
      <ResponsiveTable<IssueListRow>
        rowKey="id"
        size="middle"
        loading={page.loading}
        dataSource={rows}
        pagination={false}
        locale={{ emptyText: <Empty description={page.error?.message ?? '暂无期刊'} /> }}
        columns={[
          {
            title: '期号',
            dataIndex: 'numberLabel',
            render: (n: string, r) => (
              <Link to={issuePath(r.id, r.state)}>{r.yearNo === null ? '（未编号，新一期）' : n}</Link>
            ),
          },
          { title: '本期标题', dataIndex: 'title', render: (t: string | null) => t ?? '—' },
          {
            title: '状态',
            dataIndex: 'state',
            width: 100,
            render: (s: IssueState) => <Tag color={ISSUE_STATE_COLORS[s]}>{ISSUE_STATE_LABELS[s]}</Tag>,
          },
          {
            title: '印发日期',
            dataIndex: 'issueDate',
            width: 140,
            render: (d: string | null) => (d ? chineseDate(d) : '—'),
          },
          { title: '创建时间', dataIndex: 'createdAt', width: 150, render: (t: string) => formatTime(t) },
          {
            title: '操作',
            key: 'op',
            width: 90,
            render: (_: unknown, r) => (
              <Link to={issuePath(r.id, r.state)}>
                {r.state === 'draft'
                  ? '编辑'
                  : r.state === 'issued' || r.state === 'recalled'
                    ? '阅读'
                    : '审签'}
              </Link>
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
  );
}
