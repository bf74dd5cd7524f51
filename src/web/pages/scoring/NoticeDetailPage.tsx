import { FileExcelOutlined, FileWordOutlined, SendOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Collapse,
  Empty,
  Popconfirm,
  Result,
  Skeleton,
  Space,
  Tag,
  Typography,
} from 'antd';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { useNavigate, useParams } from 'react-router-dom';
import { api } from '../../api/client';
import { download } from '../../api/periodicals';
import type { NoticeSnapshot, NoticeView } from '../../api/types';
import { chineseDate } from '../../components/Bulletin';
import { formatTime, useErrorHandler, useLoad } from '../../hooks';
import { PageContainer } from '../../layout/PageContainer';
import { rateText } from './shared';

type SnapRow = NoticeSnapshot['rows'][number];

/** A 通报: the frozen snapshot (never recomputed), 下发 for the chief editor, Word and Excel downloads. */
export default function NoticeDetailPage() {
  const { id = '' } = useParams<{ id: string }>();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const onError = useErrorHandler();
  // Opening the notice records the unit's reading: an explicit POST (a GET never changes state).
  const notice = useLoad(() => api.post<NoticeView>(`/api/notices/${id}/read`, {}), [id]);
  const n = notice.data;
  const crumbs = [{ title: '考核统计' }, { title: '通报', to: '/notices' }, { title: '通报详情' }];

  if (notice.loading && !n)
    return (
      <PageContainer title="通报" crumbs={crumbs}>
        <Card>
          <Skeleton active paragraph={{ rows: 10 }} />
        </Card>
      </PageContainer>
    );
  if (!n)
    return (
      <PageContainer title="通报" crumbs={crumbs}>
        <Result
          status={notice.error?.status === 404 ? '404' : 'warning'}
          title={notice.error?.message ?? '无法加载通报'}
          extra={<Button onClick={() => navigate(-1)}>返回</Button>}
        />
      </PageContainer>
    );

  const s = n.snapshot;
  const issue = async () => {
    try {
      notice.setData(await api.post<NoticeView>(`/api/notices/${n.id}/issue`, {}));
      void message.success('通报已下发至各考核单位');
    } catch (e) {
      onError(e);
    }
  };

  const columns = [
    {
      title: '排名',
      dataIndex: 'rank',
      width: 80,
      render: (r: number, x: SnapRow) => (
        <span>
          {r}
          {x.tied ? (
            <Tag color="gold" style={{ marginLeft: 4 }}>
              并列
            </Tag>
          ) : null}
        </span>
      ),
    },
    { title: '单位', dataIndex: 'orgName' },
    { title: '报送', dataIndex: 'submitted', width: 70, align: 'right' as const },
    ...s.periodicals.map((p, i) => ({
      title: <span style={{ whiteSpace: 'nowrap' }}>《{p.periodicalName}》</span>,
      key: p.periodicalId,
      align: 'right' as const,
      render: (_: unknown, x: SnapRow) => x.adoptedByPeriodical[i]?.count ?? 0,
    })),
    { title: '采用', dataIndex: 'adopted', width: 70, align: 'right' as const },
    {
      title: '采用率',
      dataIndex: 'adoptionRate',
      width: 80,
      align: 'right' as const,
      render: (r: number | null) => rateText(r),
    },
    {
      title: '积分',
      dataIndex: 'points',
      width: 90,
      align: 'right' as const,
      render: (p: number, x: SnapRow) => (x.zeroed ? '0（清零）' : p),
    },
    {
      title: '备注',
      key: 'lag',
      width: 80,
      render: (_: unknown, x: SnapRow) => (x.lagging ? <Tag color="red">滞后</Tag> : null),
    },
  ];
  const withTitles = s.rows.filter((r) => r.adoptedTitles.length);

  return (
    <PageContainer
      title={
        <Space wrap>
          <span data-testid="notice-title">{n.title}</span>
          <Tag color={n.state === 'issued' ? 'green' : 'default'} data-testid="notice-state">
            {n.stateLabel}
          </Tag>
        </Space>
      }
      crumbs={crumbs}
      extra={
        <Space wrap>
          {n.abilities.issue ? (
            <Popconfirm
              title="下发该通报？"
              description={`将发送至 ${s.rows.length} 个考核单位，下发后不能修改。`}
              okText="下发"
              cancelText="取消"
              onConfirm={() => void issue()}
            >
              <Button type="primary" icon={<SendOutlined />}>
                下发
              </Button>
            </Popconfirm>
          ) : null}
          {n.abilities.export ? (
            <>
              <Button icon={<FileWordOutlined />} onClick={() => download(`/api/notices/${n.id}/docx`)}>
                下载Word
              </Button>
              <Button icon={<FileExcelOutlined />} onClick={() => download(`/api/notices/${n.id}/xlsx`)}>
                下载Excel
              </Button>
            </>
          ) : null}
        </Space>
      }
    >
      {n.state === 'draft' ? (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title={`通报草稿：统计数据已于 ${formatTime(s.generatedAt)} 冻结，下发后发送至各考核单位。`}
          description={n.abilities.issue ? undefined : '下发须由本单位主编办理。'}
        />
      ) : null}
      <Card style={{ marginBottom: 16 }}>
        <div style={{ maxWidth: 960, margin: '0 auto' }}>
          <h2 className="zx-doc-title" style={{ fontSize: 24 }}>
            {n.title}
          </h2>
          <div className="zx-muted" style={{ textAlign: 'center', marginBottom: 16 }}>
            {s.hub.name} · 统计期间：{s.period.label}
            {n.issuedAt ? ` · ${chineseDate(n.issuedAt)}印发` : ''}
          </div>
          {n.remarks ? (
            <div className="zx-doc" style={{ marginBottom: 16 }}>
              {n.remarks.split('\n').map((p, i) => (
                <p key={i}>{p}</p>
              ))}
            </div>
          ) : null}
          <Typography.Title level={5}>一、各单位信息报送采用情况</Typography.Title>
          <ResponsiveTable<SnapRow>
            rowKey="orgId"
            size="small"
            bordered
            pagination={false}
            dataSource={s.rows}
            columns={columns}
            data-testid="notice-table"
            scroll={{ x: 'max-content' }}
            locale={{ emptyText: <Empty description="本期间没有考核单位数据" /> }}
          />
          <Typography.Title level={5} style={{ marginTop: 20 }}>
            二、信息报送滞后单位
          </Typography.Title>
          {s.lagging.length ? (
            <ul>
              {s.lagging.map((l) => (
                <li key={l.orgId}>
                  <b>{l.orgName}</b>：{l.missed.join('；')}
                </li>
              ))}
            </ul>
          ) : (
            <Typography.Paragraph type="secondary">本期间无滞后单位。</Typography.Paragraph>
          )}
          <Typography.Title level={5} style={{ marginTop: 20 }}>
            三、采用信息目录
          </Typography.Title>
          {withTitles.length ? (
            <Collapse
              size="small"
              items={withTitles.map((r) => ({
                key: r.orgId,
                label: `${r.orgName}（${r.adoptedTitles.length}篇）`,
                children: (
                  <ol style={{ margin: 0, paddingLeft: 20 }}>
                    {r.adoptedTitles.map((t, i) => (
                      <li key={i}>
                        {t.title}
                        <Typography.Text type="secondary" style={{ marginLeft: 8, fontSize: 12 }}>
                          《{t.periodicalName}》{t.typeLabel}
                        </Typography.Text>
                      </li>
                    ))}
                  </ol>
                ),
              }))}
            />
          ) : (
            <Typography.Paragraph type="secondary">本期间无采用信息。</Typography.Paragraph>
          )}
        </div>
      </Card>
    </PageContainer>
  );
}
