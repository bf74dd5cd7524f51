import { BarChartOutlined, FileExcelOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Empty,
  Result,
  Row,
  Segmented,
  Space,
  Statistic,
  Tag,
  Tooltip,
} from 'antd';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import { download } from '../../api/periodicals';
import type { RankingRow, RankingsView } from '../../api/types';
import { useMe } from '../../auth/AuthContext';
import { useLoad } from '../../hooks';
import { PageContainer } from '../../layout/PageContainer';
import {
  BarChart,
  LEVEL_SHORT,
  PeriodPicker,
  periodQuery,
  rateText,
  TARGET_LEVELS,
  usePeriodParam,
  useScoringHub,
} from './shared';

type Measure = 'points' | 'submitted' | 'adopted';

const PAGE_SIZE = 100;

/** 排名统计: the units a hub evaluates over a period, ties explicit (并列). */
export default function RankingsPage() {
  const me = useMe();
  const { hub, picker } = useScoringHub(me);
  const [period, setPeriod] = usePeriodParam();
  const [measure, setMeasure] = useState<Measure>('points');
  // The server ranks every unit and answers one page with the sums and the chart (a province's 直报点
  // can be 2,000 units); a new hub or period starts again at page 1.
  const periodKey = `${hub?.id ?? ''} ${JSON.stringify(period)}`;
  const [pageState, setPageState] = useState({ for: periodKey, page: 1, pageSize: PAGE_SIZE });
  const paging = {
    page: pageState.for === periodKey ? pageState.page : 1,
    pageSize: pageState.pageSize,
  };
  const data = useLoad(
    () =>
      hub
        ? api.get<RankingsView>(`/api/hubs/${hub.id}/rankings`, { ...periodQuery(period), ...paging })
        : Promise.resolve(null),
    [hub?.id, JSON.stringify(period), paging.page, paging.pageSize],
  );
  const r = data.data;

  if (!hub)
    return (
      <PageContainer title="排名统计" crumbs={[{ title: '考核统计' }, { title: '排名统计' }]}>
        <Result status="403" title="本账号不在信息汇总单位任职" />
      </PageContainer>
    );

  const levels = TARGET_LEVELS.filter((l) => (r?.summary.submittedByLevel[l] ?? 0) > 0);
  const columns: ColumnsType<RankingRow> = [
    {
      title: '排名',
      dataIndex: 'rank',
      width: 72,
      fixed: 'left',
      render: (rank: number, x) => (
        <span data-testid="rank">
          {rank}
          {x.tied ? (
            <Tag color="gold" style={{ marginLeft: 4 }}>
              并列
            </Tag>
          ) : null}
        </span>
      ),
    },
    {
      title: '单位',
      dataIndex: 'orgName',
      fixed: 'left',
      width: 160,
      render: (n: string, x) => (
        <Tooltip title={x.orgKindLabel}>
          <span>{x.orgShortName || n}</span>
        </Tooltip>
      ),
    },
    {
      title: '采用率',
      dataIndex: 'adoptionRate',
      width: 80,
      align: 'right',
      render: (v: number | null) => rateText(v),
    },
    { title: '批示', dataIndex: 'instructions', width: 64, align: 'right' },
    {
      title: '积分',
      dataIndex: 'points',
      width: 110,
      align: 'right',
      render: (p: number, x) =>
        x.zeroed ? (
          <Tooltip title={`约稿未报 ${x.missedSolicitations} 次，年度积分清零`}>
            <Tag color="red">0（清零）</Tag>
          </Tooltip>
        ) : (
          <b>{p}</b>
        ),
    },
    {
      title: '报送',
      children: [
        ...levels.map((l) => ({
          title: `向${LEVEL_SHORT[l]}`,
          key: `s-${l}`,
          width: 64,
          align: 'right' as const,
          render: (_: unknown, x: RankingRow) => x.submittedByLevel[l],
        })),
        { title: '合计', dataIndex: 'submitted', width: 70, align: 'right' as const },
      ],
    },
    {
      title: '采用',
      children: [
        {
          // One condensed column instead of one per periodical, so the table fits 1440 px without scrolling.
          title: '各刊物采用',
          key: 'byPeriodical',
          width: 200,
          render: (_: unknown, x: RankingRow) => {
            const counted = (r?.periodicals ?? [])
              .map((p, i) => ({ name: p.periodicalName, count: x.adoptedByPeriodical[i]?.count ?? 0 }))
              .filter((p) => p.count > 0);
            return counted.length ? (
              <div className="zx-periodical-counts">
                {counted.map((p) => (
                  <span key={p.name}>
                    《{p.name}》<b>{p.count}</b>
                  </span>
                ))}
              </div>
            ) : (
              <span className="zx-muted">—</span>
            );
          },
        },
        { title: '篇数', dataIndex: 'adopted', width: 70, align: 'right' as const },
        {
          title: '篇次',
          dataIndex: 'adoptions',
          width: 70,
          align: 'right' as const,
        },
      ],
    },
    {
      title: '',
      key: 'ledger',
      width: 56,
      render: (_: unknown, x) => <Link to={`/scoring/ledger?orgId=${x.orgId}`}>台账</Link>,
    },
  ];

  const rows = r?.rows ?? [];
  const chart = (r?.leaders[measure] ?? []).map((x) => ({ label: x.label, value: x.value }));
  const total = (k: 'submitted' | 'adopted') => r?.summary[k] ?? 0;

  return (
    <PageContainer
      title="排名统计"
      crumbs={[{ title: '考核统计' }, { title: '排名统计' }]}
      extra={
        <Space wrap>
          {picker}
          <PeriodPicker value={period} onChange={setPeriod} />
          {hub ? (
            <Button
              icon={<FileExcelOutlined />}
              onClick={() => {
                const q = new URLSearchParams();
                for (const [k, v] of Object.entries(periodQuery(period)))
                  if (v !== undefined && v !== null) q.set(k, String(v));
                download(`/api/hubs/${hub.id}/rankings.xlsx?${q.toString()}`);
              }}
            >
              导出Excel
            </Button>
          ) : null}
          <Button icon={<ReloadOutlined />} onClick={data.reload} aria-label="刷新" />
        </Space>
      }
    >
      {data.error ? (
        <Alert type="error" showIcon title={data.error.message} style={{ marginBottom: 16 }} />
      ) : null}
      {r && r.periodicals.length === 0 ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title="尚未设置计分刊物，积分均为 0"
          description={
            <span>
              请主编在<Link to="/scoring/rules">积分规则</Link>中设置本单位及上级刊物的采用计分。
            </span>
          }
        />
      ) : null}
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col xs={12} md={6}>
          <Card>
            <Statistic title="统计期间" value={r?.period.label ?? '—'} loading={data.loading && !r} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card>
            <Statistic
              title="考核单位"
              value={r?.summary.units ?? 0}
              suffix="个"
              loading={data.loading && !r}
            />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card>
            <Statistic title="报送合计" value={total('submitted')} suffix="篇" loading={data.loading && !r} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card>
            <Statistic title="采用合计" value={total('adopted')} suffix="篇" loading={data.loading && !r} />
          </Card>
        </Col>
      </Row>
      <Card
        title={`${r?.hub.name ?? hub.name ?? ''} · ${r?.period.label ?? ''}考核单位排名`}
        style={{ marginBottom: 16 }}
        extra={
          r?.annualZeroingApplied ? <Tag color="volcano">年度统计：约稿未报达到次数的单位积分清零</Tag> : null
        }
      >
        <ResponsiveTable<RankingRow>
          cardTitle="orgName"
          rowKey="orgId"
          size="small"
          bordered
          loading={data.loading}
          columns={columns}
          dataSource={rows}
          pagination={{
            current: r?.page.page ?? paging.page,
            pageSize: paging.pageSize,
            total: r?.page.total ?? 0,
            hideOnSinglePage: true,
            showSizeChanger: true,
            pageSizeOptions: [50, 100, 200, 500],
            showTotal: (n) => `共 ${n} 个单位`,
            onChange: (page, pageSize) =>
              setPageState({ for: periodKey, page: pageSize === paging.pageSize ? page : 1, pageSize }),
          }}
          scroll={{ x: 'max-content' }}
          data-testid="rankings"
          locale={{ emptyText: <Empty description="本期间没有考核单位的数据" /> }}
        />
      </Card>
      <Card
        title={
          <Space>
            <BarChartOutlined />
            排名图
          </Space>
        }
        extra={
          <Segmented<Measure>
            value={measure}
            onChange={setMeasure}
            options={[
              { value: 'points', label: '积分' },
              { value: 'submitted', label: '报送' },
              { value: 'adopted', label: '采用' },
            ]}
          />
        }
      >
        {chart.length ? (
          <BarChart data={chart} unit={measure === 'points' ? '分' : '篇'} />
        ) : (
          <Empty description="暂无数据" />
        )}
      </Card>
    </PageContainer>
  );
}
