import {
  AuditOutlined,
  ClockCircleOutlined,
  LockOutlined,
  SafetyCertificateOutlined,
  SafetyOutlined,
  StopOutlined,
  TeamOutlined,
  WarningOutlined,
} from '@ant-design/icons';
import { Alert, Card, Col, Row, Statistic, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../api/client';
import { useMe } from '../auth/AuthContext';
import { formatTime, useLoad } from '../hooks';
import { PageContainer } from '../layout/PageContainer';

function Tile(props: {
  title: string;
  value: number | undefined;
  icon: ReactNode;
  to: string;
  hint: string;
  warn?: boolean;
}) {
  const navigate = useNavigate();
  return (
    <Col xs={12} md={8} xl={6}>
      <Card hoverable onClick={() => navigate(props.to)} role="link" aria-label={props.title}>
        <Statistic
          title={props.title}
          value={props.value ?? '—'}
          prefix={props.icon}
          styles={{ content: { color: props.warn && props.value ? '#b91c1c' : undefined } }}
        />
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {props.hint}
        </Typography.Text>
      </Card>
    </Col>
  );
}

interface SecurityOverview {
  lockedAccounts: number;
  activeSessions: number;
  deniedToday: number;
  failedLoginsToday: number;
  mustChangePassword: number;
  disabledAccounts: number;
}

/** 安全管理员的工作台. */
export function SecurityDashboard() {
  const me = useMe();
  const o = useLoad(() => api.get<SecurityOverview>('/api/security/overview'), []);
  return (
    <PageContainer title="工作台" docTitle="工作台">
      <Typography.Paragraph>
        {me.user.displayName}，您好。您是<Tag color="red">安全管理员</Tag>
        负责密码与锁定策略、账号解锁、三员账号密码重置与在线会话管理，不查看业务内容。
      </Typography.Paragraph>
      {o.error ? (
        <Alert type="warning" showIcon title={o.error.message} style={{ marginBottom: 16 }} />
      ) : null}
      <Row gutter={[16, 16]}>
        <Tile
          title="锁定账号"
          value={o.data?.lockedAccounts}
          icon={<LockOutlined />}
          to="/security/accounts?kind=locked"
          hint="登录失败过多被锁定"
          warn
        />
        <Tile
          title="在线会话"
          value={o.data?.activeSessions}
          icon={<TeamOutlined />}
          to="/security/sessions"
          hint="可强制下线"
        />
        <Tile
          title="今日登录失败"
          value={o.data?.failedLoginsToday}
          icon={<WarningOutlined />}
          to="/security/accounts?kind=locked"
          hint="按账号与地址计数"
          warn
        />
        <Tile
          title="今日拒绝访问"
          value={o.data?.deniedToday}
          icon={<StopOutlined />}
          to="/security/sessions"
          hint="越权、令牌无效、限流"
          warn
        />
        <Tile
          title="待修改密码"
          value={o.data?.mustChangePassword}
          icon={<ClockCircleOutlined />}
          to="/admin/users"
          hint="一次性密码或已过期"
        />
        <Tile
          title="停用账号"
          value={o.data?.disabledAccounts}
          icon={<SafetyOutlined />}
          to="/admin/users"
          hint="含长期未登录自动停用"
        />
        <Tile
          title="安全策略"
          value={undefined}
          icon={<SafetyCertificateOutlined />}
          to="/security/policy"
          hint="密码、锁定、会话规则"
        />
        <Tile
          title="三员账号"
          value={undefined}
          icon={<AuditOutlined />}
          to="/security/accounts?kind=admins"
          hint="重置三员密码"
        />
      </Row>
    </PageContainer>
  );
}

interface AuditOverview {
  total: number;
  entriesToday: number;
  deniedToday: number;
  failedToday: number;
  lastVerification: {
    ok: boolean;
    checked: number;
    brokenAt: number | null;
    problem: string | null;
    at: string;
  } | null;
}

/** 审计管理员的工作台. */
export function AuditDashboard() {
  const me = useMe();
  const o = useLoad(() => api.get<AuditOverview>('/api/audit/overview'), []);
  const v = o.data?.lastVerification;
  return (
    <PageContainer title="工作台" docTitle="工作台">
      <Typography.Paragraph>
        {me.user.displayName}，您好。您是<Tag color="red">审计管理员</Tag>
        负责查阅、校验和导出审计日志，不查看业务内容。
      </Typography.Paragraph>
      {o.error ? (
        <Alert type="warning" showIcon title={o.error.message} style={{ marginBottom: 16 }} />
      ) : null}
      {o.data ? (
        <Alert
          style={{ marginBottom: 16 }}
          showIcon
          type={!v ? 'info' : v.ok ? 'success' : 'error'}
          title={
            !v
              ? '尚未校验过审计日志哈希链，建议在“审计日志”页面点击“校验哈希链”'
              : v.ok
                ? `哈希链完整：${formatTime(v.at)} 校验了 ${v.checked} 条记录`
                : `哈希链校验未通过：${v.problem ?? `第 ${v.brokenAt} 号记录起可能被篡改`}（${formatTime(v.at)}）`
          }
        />
      ) : null}
      <Row gutter={[16, 16]}>
        <Tile
          title="今日审计记录"
          value={o.data?.entriesToday}
          icon={<AuditOutlined />}
          to="/audit"
          hint="北京时间今日"
        />
        <Tile
          title="今日拒绝"
          value={o.data?.deniedToday}
          icon={<StopOutlined />}
          to="/audit?result=denied"
          hint="越权、令牌无效、限流"
          warn
        />
        <Tile
          title="今日失败"
          value={o.data?.failedToday}
          icon={<WarningOutlined />}
          to="/audit?result=failure"
          hint="登录失败、改密失败"
          warn
        />
        <Tile
          title="审计记录总数"
          value={o.data?.total}
          icon={<SafetyCertificateOutlined />}
          to="/audit"
          hint="只增不改，哈希链保护"
        />
      </Row>
    </PageContainer>
  );
}
