import { ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Empty,
  Progress,
  Row,
  Select,
  Space,
  Statistic,
  Tag,
  Typography,
} from 'antd';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import type { Standing } from '../../api/instructions';
import { formatTime, useLoad, useUrlFilters } from '../../hooks';
import { PageContainer } from '../../layout/PageContainer';
import { PeriodPicker, periodQuery, rateText, usePeriodParam } from './shared';
import { ResponsiveTable } from '../../components/ResponsiveTable';

type Entry = Standing['entries'][number];

/**
 * 本单位积分与排名: the unit's own points over a period with the ledger rows behind them, its rank position
 * among the units its hub evaluates (other units' figures only through the hub's issued 通报), and quotas.
 */
export default function StandingPage() {
  const [period, setPeriod] = usePeriodParam();
  const { params, setFilters } = useUrlFilters();
  const orgId = params.get('org') ?? undefined;
  const hubId = params.get('hub') ?? undefined;
  const data = useLoad(
    () => api.get<Standing>('/api/standing', { ...periodQuery(period), orgId, hubId }),
    [JSON.stringify(periodQuery(period)), orgId, hubId],
  );
  const d = data.data;
  const s = d?.standing;
  return (
    <PageContainer
      title="本单位积分与排名"
      crumbs={[{ title: '考核统计' }, { title: '本单位积分与排名' }]}
      extra={
        <Space wrap>
          {d && d.units.length > 1 ? (
            <Select
              aria-label="单位"
              value={d.unit?.orgId}
              style={{ minWidth: 180 }}
              onChange={(v: string) => setFilters({ org: v, hub: undefined })}
              options={d.units.map((u) => ({ value: u.orgId, label: u.orgName }))}
            />
          ) : null}
          {d && d.hubs.length > 1 ? (
            <Select
              aria-label="考核单位"
              value={d.hub?.hubId}
              style={{ minWidth: 180 }}
              onChange={(v: string) => setFilters({ hub: v })}
              options={d.hubs.map((h) => ({ value: h.hubId, label: h.hubName }))}
            />
          ) : null}
          <PeriodPicker value={period} onChange={setPeriod} />
          <Button icon={<ReloadOutlined />} onClick={data.reload} aria-label="刷新" />
        </Space>
      }
    >
      {data.error ? (
        <Alert type="error" showIcon title={data.error.message} style={{ marginBottom: 16 }} />
      ) : null}
      {d && !d.unit ? (
        <Card>
          <Empty description="您不是任何单位的信息员、审核人或签发人" />
        </Card>
      ) : null}
      {d?.unit ? (
        <>
          <Card loading={data.loading && !d} style={{ marginBottom: 16 }} data-testid="standing-summary">
            <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
              {d.unit.orgName}
              {d.hub ? ` · 考核单位：${d.hub.hubName}` : ''} · {d.period?.label}
            </Typography.Paragraph>
            {s ? (
              <Row gutter={[16, 16]}>
                <Col xs={12} md={6}>
                  <Statistic
                    title="积分"
                    value={s.points}
                    precision={2}
                    suffix={s.zeroed ? '（清零）' : '分'}
                  />
                </Col>
                <Col xs={12} md={6}>
                  <Statistic title="排名" value={s.rank} prefix="第" suffix="名" />
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {s.tied ? '并列，' : ''}共{s.unitCount}个考核单位
                  </Typography.Text>
                </Col>
                <Col xs={12} md={6}>
                  <Statistic title="报送 / 采用" value={`${s.submitted} / ${s.adopted}`} />
                </Col>
                <Col xs={12} md={6}>
                  <Statistic title="采用率" value={rateText(s.adoptionRate)} />
                </Col>
                <Col xs={24}>
                  <Space wrap size={6}>
                    {s.adoptedByPeriodical.map((p) => (
                      <Tag key={p.periodicalName}>
                        《{p.periodicalName}》采用 {p.count} 篇次
                      </Tag>
                    ))}
                    <Tag color="red">领导批示 {s.instructions} 次</Tag>
                  </Space>
                </Col>
              </Row>
            ) : (
              <Empty description="本单位暂无考核单位，或不在考核范围内" />
            )}
            <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 0, marginTop: 12 }}>
              此处只显示本单位的数据和名次；各单位的详细情况以考核单位印发的
              <Link to="/notices">通报</Link>为准。
            </Typography.Paragraph>
          </Card>
          {d.quotas.length ? (
            <Card title="任务指标完成情况" style={{ marginBottom: 16 }} data-testid="standing-quotas">
              {d.quotas.map((q) => (
                <div key={q.check.quotaId + q.periodLabel} style={{ marginBottom: 12 }}>
                  <Space wrap>
                    <Typography.Text strong>{q.periodLabel}</Typography.Text>
                    <Typography.Text>{q.check.description}</Typography.Text>
                    {q.check.met ? <Tag color="green">已完成</Tag> : <Tag color="orange">未完成</Tag>}
                  </Space>
                  {q.check.required.map((r) => (
                    <div
                      key={r.label}
                      style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}
                    >
                      <span style={{ minWidth: 140 }}>{r.label}</span>
                      <Progress
                        style={{ flex: 1, minWidth: 160, margin: 0 }}
                        percent={
                          r.required > 0 ? Math.min(100, Math.round((r.actual / r.required) * 100)) : 100
                        }
                        format={() =>
                          r.measure === 'adoption_rate'
                            ? `${rateText(r.actual)}/${rateText(r.required)}`
                            : `${r.actual}/${r.required}`
                        }
                      />
                    </div>
                  ))}
                </div>
              ))}
            </Card>
          ) : null}
          <Card title="积分明细" data-testid="standing-entries">
            <ResponsiveTable<Entry>
              rowKey="id"
              size="small"
              loading={data.loading}
              dataSource={d.entries}
              pagination={{ pageSize: 20, hideOnSinglePage: true }}
              locale={{ emptyText: <Empty description="本期暂无积分" /> }}
              columns={[
                {
                  title: '时间',
                  dataIndex: 'occurredAt',
                  width: 96,
                  render: (t: string) => formatTime(t).slice(0, 10),
                },
                {
                  title: '说明',
                  key: 'explanation',
                  render: (_: unknown, e) => (
                    <span>
                      <Tag>{e.kindLabel}</Tag>
                      {e.itemId ? <Link to={`/items/${e.itemId}`}>{e.explanation}</Link> : e.explanation}
                      {e.reason ? <Typography.Text type="secondary">（{e.reason}）</Typography.Text> : null}
                    </span>
                  ),
                },
                {
                  title: '积分',
                  dataIndex: 'points',
                  width: 72,
                  align: 'right',
                  render: (p: number) => (
                    <Typography.Text type={p < 0 ? 'danger' : undefined}>
                      {p > 0 ? `+${p}` : p}
                    </Typography.Text>
                  ),
                },
              ]}
            />
            {d.entriesTruncated ? (
              <Typography.Text type="secondary">仅显示最近300条，请缩小统计期间查看。</Typography.Text>
            ) : null}
          </Card>
        </>
      ) : null}
    </PageContainer>
  );
}
