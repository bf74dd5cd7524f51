import { FileExcelOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, DatePicker, Empty, Result, Row, Space, Statistic, Tabs, Tag } from 'antd';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import dayjs from 'dayjs';
import { useSearchParams } from 'react-router-dom';
import { api } from '../../api/client';
import { download } from '../../api/periodicals';
import type { RewardsView } from '../../api/types';
import { useMe } from '../../auth/AuthContext';
import { useLoad } from '../../hooks';
import { PageContainer } from '../../layout/PageContainer';
import { LEVEL_SHORT, TARGET_LEVELS, useScoringHub } from './shared';

type Officer = RewardsView['officers'][number];
type Unit = RewardsView['units'][number];
type Adoption = RewardsView['adoptions'][number];

const yuan = (n: number) => `${n.toLocaleString('zh-CN')} 元`;
const byLevel = (m: Record<string, number>) =>
  TARGET_LEVELS.filter((l) => m[l])
    .map((l) => `${LEVEL_SHORT[l]}${m[l]}篇`)
    .join('，') || '—';

/** 奖励统计: a year's adoption rewards per officer and per unit, with the Excel export. */
/** Columns both tallies (by officer, by unit) share. */
const seqColumn = {
  title: '序号',
  key: 'i',
  width: 60,
  render: (_: unknown, __: unknown, i: number) => i + 1,
};
const tallyColumns = [
  { title: '采用', dataIndex: 'count', width: 80, align: 'right' as const, render: (c: number) => `${c}篇` },
  { title: '按级别', dataIndex: 'byLevel', render: byLevel },
  { title: '奖励', dataIndex: 'amount', width: 120, align: 'right' as const, render: yuan },
];

export default function RewardsPage() {
  const me = useMe();
  const { hub, picker } = useScoringHub(me);
  const [params, setParams] = useSearchParams();
  const year = Number(params.get('year') ?? dayjs().year());
  const data = useLoad(
    () => (hub ? api.get<RewardsView>(`/api/hubs/${hub.id}/rewards`, { year }) : Promise.resolve(null)),
    [hub?.id, year],
  );
  const r = data.data;
  if (!hub)
    return (
      <PageContainer title="奖励统计" crumbs={[{ title: '考核统计' }, { title: '奖励统计' }]}>
        <Result status="403" title="本账号不在信息汇总单位任职" />
      </PageContainer>
    );
  return (
    <PageContainer
      title="奖励统计"
      crumbs={[{ title: '考核统计' }, { title: '奖励统计' }]}
      extra={
        <Space wrap>
          {picker}
          <DatePicker
            picker="year"
            aria-label="年度"
            allowClear={false}
            value={dayjs(`${year}-01-01`)}
            onChange={(d) => {
              if (!d) return;
              const next = new URLSearchParams(params);
              next.set('year', String(d.year()));
              setParams(next, { replace: true });
            }}
          />
          <Button
            icon={<FileExcelOutlined />}
            onClick={() => download(`/api/hubs/${hub.id}/rewards.xlsx?year=${year}`)}
          >
            导出Excel
          </Button>
          <Button icon={<ReloadOutlined />} onClick={data.reload} aria-label="刷新" />
        </Space>
      }
    >
      {data.error ? (
        <Alert type="error" showIcon title={data.error.message} style={{ marginBottom: 16 }} />
      ) : null}
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col xs={12} md={6}>
          <Card>
            <Statistic
              title={`${year}年度奖励合计`}
              value={r?.total ?? 0}
              suffix="元"
              loading={data.loading && !r}
            />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card>
            <Statistic
              title="获奖采用"
              value={r?.adoptions.length ?? 0}
              suffix="篇次"
              loading={data.loading && !r}
            />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card>
            <Statistic
              title="获奖信息员"
              value={r?.officers.length ?? 0}
              suffix="人"
              loading={data.loading && !r}
            />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card>
            <Statistic
              title="奖励标准"
              value={
                r
                  ? TARGET_LEVELS.filter((l) => r.amounts[l])
                      .map((l) => `${LEVEL_SHORT[l]}${r.amounts[l]}`)
                      .join(' / ') || '未设置'
                  : '—'
              }
              styles={{ content: { fontSize: 16 } }}
              suffix={r ? '元/篇' : ''}
            />
          </Card>
        </Col>
      </Row>
      <Card styles={{ body: { paddingTop: 4 } }}>
        <Tabs
          items={[
            {
              key: 'officers',
              label: '按信息员',
              children: (
                <ResponsiveTable<Officer>
                  cardTitle="name"
                  rowKey="userId"
                  size="middle"
                  loading={data.loading}
                  dataSource={r?.officers ?? []}
                  pagination={false}
                  locale={{
                    emptyText: <Empty description="本年度暂无获奖采用（请先在积分规则中设置计分刊物）" />,
                  }}
                  columns={[
                    seqColumn,
                    { title: '信息员', dataIndex: 'name', width: 120 },
                    { title: '单位', dataIndex: 'orgName' },
                    ...tallyColumns,
                  ]}
                />
              ),
            },
            {
              key: 'units',
              label: '按单位',
              children: (
                <ResponsiveTable<Unit>
                  cardTitle="orgName"
                  rowKey="orgId"
                  size="middle"
                  loading={data.loading}
                  dataSource={r?.units ?? []}
                  pagination={false}
                  locale={{ emptyText: <Empty description="本年度暂无获奖采用" /> }}
                  columns={[seqColumn, { title: '单位', dataIndex: 'orgName' }, ...tallyColumns]}
                />
              ),
            },
            {
              key: 'detail',
              label: '采用明细',
              children: (
                <ResponsiveTable<Adoption>
                  rowKey="adoptionId"
                  size="small"
                  loading={data.loading}
                  dataSource={r?.adoptions ?? []}
                  pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
                  locale={{ emptyText: <Empty description="暂无" /> }}
                  columns={[
                    { title: '稿件', dataIndex: 'title' },
                    { title: '撰稿人', dataIndex: 'authorName', width: 90 },
                    { title: '单位', dataIndex: 'orgName', width: 180 },
                    {
                      title: '采用刊物',
                      dataIndex: 'periodicalName',
                      width: 180,
                      render: (p: string, a) => (
                        <span>
                          《{p}》<Tag>{a.levelLabel}</Tag>
                        </span>
                      ),
                    },
                    {
                      title: '日期',
                      dataIndex: 'adoptedAt',
                      width: 110,
                      render: (t: string) => dayjs(t).format('YYYY-MM-DD'),
                    },
                    { title: '奖励', dataIndex: 'amount', width: 90, align: 'right', render: yuan },
                  ]}
                />
              ),
            },
          ]}
        />
      </Card>
    </PageContainer>
  );
}
