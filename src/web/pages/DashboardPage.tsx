import {
  AuditOutlined,
  EditOutlined,
  FileTextOutlined,
  InboxOutlined,
  RollbackOutlined,
  SafetyCertificateOutlined,
  ApartmentOutlined,
  TeamOutlined,
  CheckSquareOutlined,
  AimOutlined,
} from '@ant-design/icons';
import {
  Button,
  Card,
  Col,
  Empty,
  List,
  Progress,
  Row,
  Skeleton,
  Space,
  Statistic,
  Tag,
  Typography,
} from 'antd';
import type { ReactNode } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../api/client';
import type { DashboardCounts, InboxPage, ItemListPage, QuotaProgressRow } from '../api/types';
import { hasRole, useMe } from '../auth/AuthContext';
import { formatTime, useLoad } from '../hooks';
import { PageContainer } from '../layout/PageContainer';
import { HUB_ROLES } from '../../server/modules/orgs/domain';
import { HopStateTag, ItemStatusTag, UrgencyTag } from '../components/Tags';
import { categoryLabel } from '../labels';
import { AuditDashboard, SecurityDashboard } from '../admin/AdminDashboards';

interface Tile {
  key: string;
  title: string;
  value: number;
  icon: ReactNode;
  to?: string;
  color: string;
  hint: string;
}

function greeting(): string {
  const h = new Date().getHours();
  return h < 11 ? '上午好' : h < 13 ? '中午好' : h < 18 ? '下午好' : '晚上好';
}

export function DashboardPage() {
  const me = useMe();
  // The security and audit administrators do no business work: they have their own 工作台.
  if (hasRole(me, ['sec_admin'])) return <SecurityDashboard />;
  if (hasRole(me, ['audit_admin'])) return <AuditDashboard />;
  return <BusinessDashboard />;
}

function BusinessDashboard() {
  const me = useMe();
  const navigate = useNavigate();
  const isWriter = hasRole(me, ['writer']);
  const isHub = hasRole(me, HUB_ROLES);
  const isAdmin = hasRole(me, ['sys_admin', 'org_admin']);
  const counts = useLoad(() => api.get<DashboardCounts>('/api/dashboard'), []);
  const recentMine = useLoad(
    () => (isWriter ? api.get<ItemListPage>('/api/items', { box: 'mine', limit: 6 }) : Promise.resolve(null)),
    [isWriter],
  );
  const recentInbox = useLoad(
    () => (isHub ? api.get<InboxPage>('/api/inbox', { limit: 6 }) : Promise.resolve(null)),
    [isHub],
  );

  const c = counts.data;
  const tiles: Tile[] = [];
  if (c) {
    if (isWriter) {
      tiles.push({
        key: 'drafts',
        title: '我的草稿',
        value: c.drafts,
        icon: <EditOutlined />,
        to: '/my?state=draft',
        color: '#4b5563',
        hint: '尚未提交审核',
      });
      tiles.push({
        key: 'revising',
        title: '退回待修改',
        value: c.revising,
        icon: <RollbackOutlined />,
        to: '/unit?state=revising',
        color: '#d4380d',
        hint: '上级退回，需修改后重新报送',
      });
    }
    if (hasRole(me, ['reviewer']))
      tiles.push({
        key: 'toReview',
        title: '待审核',
        value: c.toReview,
        icon: <AuditOutlined />,
        to: '/review',
        color: '#1d4ed8',
        hint: '本单位提交审核的稿件',
      });
    if (hasRole(me, ['signer']))
      tiles.push({
        key: 'toSign',
        title: '待签发',
        value: c.toSign,
        icon: <SafetyCertificateOutlined />,
        to: '/signoff',
        color: '#d48806',
        hint: '审核通过、待领导签发',
      });
    if (isHub) {
      tiles.push({
        key: 'pending',
        title: '待签收',
        value: c.pending,
        icon: <InboxOutlined />,
        to: '/inbox?state=pending',
        color: '#a61d24',
        hint: '下级报送、尚未签收',
      });
      tiles.push({
        key: 'received',
        title: '已签收待处理',
        value: c.received,
        icon: <CheckSquareOutlined />,
        to: '/inbox?state=received',
        color: '#0f766e',
        hint: '待编辑、采用、转报或退回',
      });
      tiles.push({
        key: 'returnedToMe',
        title: '转报被退回',
        value: c.returnedToMe,
        icon: <RollbackOutlined />,
        to: '/inbox?direction=out&state=returned',
        color: '#9333ea',
        hint: '本单位转报后被上级退回',
      });
    }
  }

  const unitNames = me.units.map((u) => `${u.name ?? ''}（${u.roleLabels.join('、')}）`).join('；');

  return (
    <PageContainer
      title="工作台"
      extra={
        isWriter ? (
          <Button type="primary" icon={<EditOutlined />} onClick={() => navigate('/items/new')}>
            撰写信息
          </Button>
        ) : null
      }
    >
      <Card style={{ marginBottom: 16 }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {greeting()}，{me.user.displayName}
        </Typography.Title>
        <Typography.Text type="secondary">
          {unitNames || '尚未分配单位与角色，请联系单位管理员'}
        </Typography.Text>
      </Card>

      {counts.loading && !c ? (
        <Card>
          <Skeleton active paragraph={{ rows: 2 }} />
        </Card>
      ) : tiles.length ? (
        <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
          {tiles.map((t) => (
            <Col key={t.key} xs={24} sm={12} lg={8} xl={6}>
              <Card
                className={t.to ? 'zx-stat' : undefined}
                onClick={t.to ? () => navigate(t.to!) : undefined}
                data-testid={`tile-${t.key}`}
              >
                <Statistic
                  title={
                    <Space>
                      <span style={{ color: t.color }}>{t.icon}</span>
                      {t.title}
                    </Space>
                  }
                  value={t.value}
                  styles={{ content: { color: t.value > 0 ? t.color : '#9ca3af', fontWeight: 600 } }}
                  suffix="件"
                />
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t.hint}
                  {t.to ? (
                    <Link to={t.to} style={{ float: 'right' }}>
                      查看
                    </Link>
                  ) : null}
                </Typography.Text>
              </Card>
            </Col>
          ))}
        </Row>
      ) : null}

      <QuotaProgressCard />

      <Row gutter={[16, 16]}>
        {isWriter ? (
          <Col xs={24} xl={isHub ? 12 : 24}>
            <Card
              title={
                <Space>
                  <FileTextOutlined />
                  最近的稿件
                </Space>
              }
              extra={<Link to="/my">全部</Link>}
            >
              {recentMine.loading && !recentMine.data ? (
                <Skeleton active />
              ) : recentMine.data?.rows.length ? (
                <List
                  dataSource={recentMine.data.rows}
                  renderItem={(r) => (
                    <List.Item
                      extra={
                        <ItemStatusTag state={r.state} hopStates={r.hopStates} adoptedIn={r.adoptedIn} />
                      }
                    >
                      <List.Item.Meta
                        title={<Link to={`/items/${r.id}`}>{r.title || '（无标题）'}</Link>}
                        description={`${categoryLabel(r.category)} · 更新于 ${formatTime(r.updatedAt)}`}
                      />
                    </List.Item>
                  )}
                />
              ) : (
                <Empty description="还没有稿件">
                  <Button type="primary" onClick={() => navigate('/items/new')}>
                    撰写第一篇信息
                  </Button>
                </Empty>
              )}
            </Card>
          </Col>
        ) : null}
        {isHub ? (
          <Col xs={24} xl={isWriter ? 12 : 24}>
            <Card
              title={
                <Space>
                  <InboxOutlined />
                  最新来稿
                </Space>
              }
              extra={<Link to="/inbox">进入收件箱</Link>}
            >
              {recentInbox.loading && !recentInbox.data ? (
                <Skeleton active />
              ) : recentInbox.data?.rows.length ? (
                <List
                  dataSource={recentInbox.data.rows}
                  renderItem={(r) => (
                    <List.Item
                      extra={
                        <Space>
                          <UrgencyTag urgency={r.urgency} />
                          <HopStateTag state={r.state} />
                        </Space>
                      }
                    >
                      <List.Item.Meta
                        title={<Link to={`/items/${r.itemId}`}>{r.title}</Link>}
                        description={`${r.fromOrgName} 报送 · ${formatTime(r.submittedAt)}`}
                      />
                    </List.Item>
                  )}
                />
              ) : (
                <Empty description="暂无来稿" />
              )}
            </Card>
          </Col>
        ) : null}
        {isAdmin ? (
          <Col xs={24}>
            <Card title="系统管理">
              <Space size="large">
                <Button icon={<ApartmentOutlined />} onClick={() => navigate('/admin/orgs')}>
                  单位管理
                </Button>
                <Button icon={<TeamOutlined />} onClick={() => navigate('/admin/users')}>
                  用户管理
                </Button>
              </Space>
              <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
                三员分立：系统管理员负责单位、账号与配置，不因管理员身份查阅业务稿件内容。
              </Typography.Paragraph>
            </Card>
          </Col>
        ) : null}
        {!isWriter && !isHub && !isAdmin && tiles.length === 0 && !counts.loading ? (
          <Col xs={24}>
            <Card>
              <Empty description="暂无待办事项" />
            </Card>
          </Col>
        ) : null}
      </Row>
      {counts.error ? <Tag color="red">{counts.error.message}</Tag> : null}
    </PageContainer>
  );
}

/** 本月任务完成情况: each quota the user's units are held to, for its current period, as progress bars. */
function QuotaProgressCard() {
  const progress = useLoad(() => api.get<{ rows: QuotaProgressRow[] }>('/api/quota-progress'), []);
  const rows = progress.data?.rows ?? [];
  if (progress.error || (!progress.loading && rows.length === 0)) return null;
  return (
    <Card
      title={
        <Space>
          <AimOutlined />
          本月任务完成情况
        </Space>
      }
      style={{ marginBottom: 16 }}
      data-testid="quota-progress"
    >
      {progress.loading && !progress.data ? (
        <Skeleton active paragraph={{ rows: 2 }} />
      ) : (
        <Row gutter={[24, 16]}>
          {rows.map((r) => (
            <Col key={`${r.orgId}-${r.check.quotaId}`} xs={24} lg={12}>
              <Space style={{ marginBottom: 4 }} wrap>
                <Typography.Text strong>{r.orgName}</Typography.Text>
                <Typography.Text type="secondary">{r.periodLabel}</Typography.Text>
                {r.check.met ? <Tag color="green">已完成</Tag> : <Tag color="orange">未完成</Tag>}
              </Space>
              {r.check.required.map((q) => {
                const pct =
                  q.measure === 'adoption_rate'
                    ? q.required > 0
                      ? Math.min(100, Math.round((q.actual / q.required) * 100))
                      : 100
                    : q.required > 0
                      ? Math.min(100, Math.round((q.actual / q.required) * 100))
                      : 100;
                return (
                  <div
                    key={q.label}
                    style={{ display: 'grid', gridTemplateColumns: '180px 1fr', alignItems: 'center' }}
                  >
                    <Typography.Text style={{ fontSize: 13 }}>{q.label}</Typography.Text>
                    <Progress
                      percent={pct}
                      size="small"
                      status={q.actual >= q.required ? 'success' : 'active'}
                      strokeColor={q.actual >= q.required ? undefined : '#a61d24'}
                    />
                  </div>
                );
              })}
            </Col>
          ))}
        </Row>
      )}
    </Card>
  );
}
