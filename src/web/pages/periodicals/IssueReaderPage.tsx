import {
  EditOutlined,
  FileWordOutlined,
  PrinterOutlined,
  RollbackOutlined,
  ScissorOutlined,
  ShareAltOutlined,
} from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  Empty,
  Form,
  Progress,
  Result,
  Row,
  Skeleton,
  Space,
  Statistic,
  Tag,
  Typography,
} from 'antd';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { useCallback, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { api } from '../../api/client';
import { ISSUE_STATE_COLORS, ISSUE_STATE_LABELS, download } from '../../api/periodicals';
import type { IssueRecipient, IssueView } from '../../api/types';
import { ActionModal, type ActionSpec, type ActionValues } from '../../components/ActionModal';
import { Bulletin, periodicalTitle } from '../../components/Bulletin';
import { OrgTreeSelect } from '../../components/OrgTreeSelect';
import { formatTime, useErrorHandler, useLoad } from '../../hooks';
import { PageContainer } from '../../layout/PageContainer';
import { InstructionsPanel } from '../../components/InstructionsPanel';

const text = (v: ActionValues, k: string): string | null => {
  const x = v[k];
  return typeof x === 'string' && x.trim() ? x.trim() : null;
};

/** 期刊阅读: the issue as a bulletin; for the hub also the distribution, read receipts, 增发/摘发/收回. */
export default function IssueReaderPage() {
  const { id = '' } = useParams<{ id: string }>();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const onError = useErrorHandler();
  // Opening the reader is the read receipt: an explicit POST (a GET never changes state), answering the issue.
  const issue = useLoad(() => api.post<IssueView>(`/api/issues/${id}/read`, {}), [id]);
  const [spec, setSpec] = useState<ActionSpec | null>(null);

  const act = useCallback(
    async (fn: () => Promise<IssueView>, done: string) => {
      try {
        issue.setData(await fn());
        void message.success(done);
      } catch (e) {
        onError(e);
        throw e;
      }
    },
    [issue, message, onError],
  );

  const d = issue.data;
  if (issue.loading && !d)
    return (
      <PageContainer title="期刊阅读" crumbs={[{ title: '期刊阅读' }]}>
        <Card>
          <Skeleton active paragraph={{ rows: 14 }} />
        </Card>
      </PageContainer>
    );
  if (!d)
    return (
      <PageContainer title="期刊阅读" crumbs={[{ title: '期刊阅读' }]}>
        <Result
          status={issue.error?.status === 404 ? '404' : 'warning'}
          title={issue.error?.message ?? '无法加载该期'}
          subTitle={issue.error?.status === 404 ? '该期可能已被收回，或未发送给您所在的单位。' : undefined}
          extra={<Button onClick={() => navigate(-1)}>返回</Button>}
        />
      </PageContainer>
    );

  const ab = d.abilities;
  const base = `/api/issues/${d.id}`;
  const dist = d.distribution;
  const current = dist?.recipients.filter((r) => !r.recalledAt) ?? [];
  const compiling = d.state !== 'issued' && d.state !== 'recalled';
  const name = periodicalTitle(d.periodical.name);

  const distributeSpec: ActionSpec = {
    key: 'distribute',
    title: '增发',
    okText: '增发',
    intro: '将本期发送给更多单位，对方将收到通知。',
    fields: (
      <Form.Item
        label="增发单位"
        name="orgIds"
        rules={[{ required: true, type: 'array', min: 1, message: '请选择增发单位' }]}
      >
        <OrgTreeSelect exclude={[d.hubId, ...current.map((r) => r.orgId)]} />
      </Form.Item>
    ),
    run: (v) =>
      act(() => api.post<IssueView>(`${base}/distribute`, { orgIds: v.orgIds as string[] }), '已增发'),
  };
  const excerptSpec: ActionSpec = {
    key: 'excerpt',
    title: '摘发',
    okText: '摘发',
    intro: '将本期的部分文章发送给指定单位，对方只能看到摘发的文章。',
    fields: (
      <>
        <Form.Item
          label="摘发文章"
          name="entryIds"
          rules={[{ required: true, type: 'array', min: 1, message: '请选择摘发的文章' }]}
        >
          <Checkbox.Group
            style={{ display: 'flex', flexDirection: 'column', gap: 6 }}
            options={d.entries.map((e, i) => ({ value: e.id, label: `${i + 1}. ${e.title}` }))}
          />
        </Form.Item>
        <Form.Item
          label="摘发单位"
          name="orgIds"
          rules={[{ required: true, type: 'array', min: 1, message: '请选择摘发单位' }]}
        >
          <OrgTreeSelect exclude={[d.hubId, ...current.map((r) => r.orgId)]} />
        </Form.Item>
      </>
    ),
    run: (v) =>
      act(
        () =>
          api.post<IssueView>(`${base}/excerpt`, {
            orgIds: v.orgIds as string[],
            entryIds: v.entryIds as string[],
          }),
        '已摘发',
      ),
  };
  const recallSpec: ActionSpec = {
    key: 'recall',
    title: '收回本期',
    okText: '收回',
    danger: true,
    intro: '收回后各收文单位不能再阅读本期，并将收到收回通知。此操作不可撤销。',
    text: { name: 'reason', label: '收回理由', required: true, placeholder: '请写明收回原因' },
    run: (v) =>
      act(() => api.post<IssueView>(`${base}/recall`, { reason: text(v, 'reason') ?? '' }), '已收回'),
  };

  const actions = (
    <Space wrap className="zx-noprint">
      {compiling && (ab.edit || ab.review || ab.sign || ab.issue) ? (
        <Button type="primary" icon={<EditOutlined />} onClick={() => navigate(`/issues/${d.id}/compile`)}>
          {ab.edit ? '继续编辑' : '审签'}
        </Button>
      ) : null}
      <Button icon={<FileWordOutlined />} onClick={() => download(`${base}/docx`)}>
        下载Word
      </Button>
      <Button icon={<PrinterOutlined />} onClick={() => window.open(`${base}/print`, '_blank', 'noopener')}>
        打印版
      </Button>
      {ab.distribute ? (
        <>
          <Button icon={<ShareAltOutlined />} onClick={() => setSpec(distributeSpec)}>
            增发
          </Button>
          <Button icon={<ScissorOutlined />} onClick={() => setSpec(excerptSpec)}>
            摘发
          </Button>
        </>
      ) : null}
      {ab.recall ? (
        <Button danger icon={<RollbackOutlined />} onClick={() => setSpec(recallSpec)}>
          收回
        </Button>
      ) : null}
    </Space>
  );

  const bulletin = (
    <>
      {d.state === 'recalled' ? (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          title={`本期已于 ${formatTime(d.recalledAt)} 收回`}
          description={d.recallReason ? `收回理由：${d.recallReason}` : undefined}
        />
      ) : null}
      {compiling ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title={`本期${ISSUE_STATE_LABELS[d.state]}，尚未印发；以下为版面预览，期号在印发时编定。`}
        />
      ) : null}
      {d.excerpt ? (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title="本期为摘发：您所在单位收到的是本期的部分文章。"
        />
      ) : null}
      <Bulletin issue={d} />
    </>
  );

  return (
    <PageContainer
      title={
        <Space wrap>
          <span data-testid="issue-heading">
            {name}
            {d.yearNo !== null ? d.numberLabel : '（未编号）'}
          </span>
          <Tag color={ISSUE_STATE_COLORS[d.state]} data-testid="issue-state">
            {ISSUE_STATE_LABELS[d.state]}
          </Tag>
        </Space>
      }
      docTitle={`${name}${d.numberLabel}`}
      crumbs={
        dist
          ? [
              { title: '期刊编发' },
              { title: '刊物管理', to: `/periodicals?p=${d.periodical.id}` },
              { title: '期刊阅读' },
            ]
          : [{ title: '收到的刊物', to: '/received' }, { title: '期刊阅读' }]
      }
      extra={actions}
    >
      {dist ? (
        <Row gutter={16}>
          <Col xs={24} xl={15} xxl={16}>
            {bulletin}
          </Col>
          <Col xs={24} xl={9} xxl={8}>
            <DistributionCard issue={d} />
          </Col>
        </Row>
      ) : (
        bulletin
      )}
      {d.state === 'issued' ? (
        <div style={{ marginTop: 16 }}>
          <InstructionsPanel
            target={{ issueId: d.id, entries: d.entries.map((e) => ({ id: e.id, title: e.title })) }}
          />
        </div>
      ) : null}
      <ActionModal spec={spec} onClose={() => setSpec(null)} />
    </PageContainer>
  );
}

function DistributionCard({ issue }: { issue: IssueView }) {
  const dist = issue.distribution!;
  const pct = Math.round(dist.readRate * 1000) / 10;
  return (
    <Card title="发送范围与阅读情况" data-testid="distribution" style={{ marginTop: 0 }}>
      {dist.total === 0 ? (
        <Empty
          description={issue.state === 'issued' ? '本期未发送任何单位' : '印发后在此查看各单位阅读情况'}
        />
      ) : (
        <>
          <Row gutter={16} align="middle" style={{ marginBottom: 12 }}>
            <Col>
              <Progress
                type="circle"
                size={88}
                percent={pct}
                strokeColor="#a61d24"
                format={() => `${pct}%`}
                aria-label="阅读率"
              />
            </Col>
            <Col flex={1}>
              <Space size="large">
                <Statistic title="阅读率" value={pct} suffix="%" data-testid="read-rate" />
                <Statistic title="已读 / 发送" value={`${dist.read} / ${dist.total}`} />
              </Space>
            </Col>
          </Row>
          <ResponsiveTable<IssueRecipient>
            rowKey={(r) => `${r.orgId}-${r.kind}-${r.sentAt}`}
            size="small"
            pagination={false}
            dataSource={dist.recipients}
            columns={[
              { title: '单位', dataIndex: 'orgName' },
              {
                title: '方式',
                dataIndex: 'kindLabel',
                width: 64,
                render: (k: string, r) => (
                  <Tag color={r.kind === 'excerpt' ? 'purple' : r.kind === 'additional' ? 'blue' : 'default'}>
                    {k}
                  </Tag>
                ),
              },
              {
                title: '阅读',
                key: 'read',
                width: 168,
                render: (_: unknown, r) =>
                  r.recalledAt ? (
                    <Tag>已收回</Tag>
                  ) : r.firstReadAt ? (
                    <div>
                      <Tag color="green">已读</Tag>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {formatTime(r.firstReadAt)}
                        {r.firstReaderName ? ` ${r.firstReaderName}` : ''}
                      </Typography.Text>
                    </div>
                  ) : (
                    <Tag color="orange">未读</Tag>
                  ),
              },
            ]}
          />
        </>
      )}
    </Card>
  );
}
