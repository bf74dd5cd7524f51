import {
  ApartmentOutlined,
  AuditOutlined,
  DashboardOutlined,
  DownOutlined,
  EditOutlined,
  FileDoneOutlined,
  FileTextOutlined,
  InboxOutlined,
  KeyOutlined,
  LogoutOutlined,
  SafetyCertificateOutlined,
  TeamOutlined,
  UserOutlined,
  FolderOpenOutlined,
  BookOutlined,
  ReadOutlined,
  TrophyOutlined,
  OrderedListOutlined,
  AimOutlined,
  NotificationOutlined,
  AccountBookOutlined,
  CalculatorOutlined,
  LockOutlined,
  DesktopOutlined,
  FileSearchOutlined,
  HighlightOutlined,
  SolutionOutlined,
  CarryOutOutlined,
  RiseOutlined,
  MenuOutlined,
  SafetyOutlined,
} from '@ant-design/icons';
import { Avatar, Drawer, Dropdown, Layout, Menu, Spin, type MenuProps } from 'antd';
import { Suspense, useEffect, useState } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { hasRole, useAuth, useMe } from '../auth/AuthContext';
import { BUSINESS_ROLES, HUB_ROLES } from '../../server/modules/orgs/domain';
import type { Me } from '../api/types';
import { NotificationBell } from '../components/NotificationBell';
import { hubsWithRole } from '../components/HubPicker';
import { inHeader } from './popups';

type MenuItem = Required<MenuProps>['items'][number];

/** The left menu follows the roles the user holds in any of their units. */
export function menuFor(me: Me): MenuItem[] {
  const out: MenuItem[] = [{ key: '/', icon: <DashboardOutlined />, label: <Link to="/">工作台</Link> }];
  const unitSide: MenuItem[] = [];
  if (hasRole(me, ['writer'])) {
    unitSide.push({
      key: '/items/new',
      icon: <EditOutlined />,
      label: <Link to="/items/new">撰写信息</Link>,
    });
    unitSide.push({ key: '/my', icon: <FileTextOutlined />, label: <Link to="/my">我的稿件</Link> });
  }
  if (hasRole(me, ['reviewer', 'signer']))
    unitSide.push({ key: '/review', icon: <AuditOutlined />, label: <Link to="/review">待审核</Link> });
  if (hasRole(me, ['signer']))
    unitSide.push({
      key: '/signoff',
      icon: <SafetyCertificateOutlined />,
      label: <Link to="/signoff">待签发</Link>,
    });
  if (hasRole(me, ['writer', 'reviewer', 'signer', 'org_admin'])) {
    unitSide.push({ key: '/unit', icon: <FolderOpenOutlined />, label: <Link to="/unit">本单位稿件</Link> });
    unitSide.push({
      key: '/follow-ups',
      icon: <CarryOutOutlined />,
      label: <Link to="/follow-ups">落实反馈</Link>,
    });
  }
  if (unitSide.length) out.push({ type: 'group', key: 'g-unit', label: '信息报送', children: unitSide });
  const hubSide = hubsWithRole(me, [...HUB_ROLES, 'org_admin']).length > 0;
  if (hasRole(me, HUB_ROLES))
    out.push({
      type: 'group',
      key: 'g-hub',
      label: '信息处理',
      children: [{ key: '/inbox', icon: <InboxOutlined />, label: <Link to="/inbox">收件箱</Link> }],
    });
  if (hasRole(me, ['leader']))
    out.push({
      type: 'group',
      key: 'g-leader',
      label: '领导批示',
      children: [
        {
          key: '/instructions/desk',
          icon: <HighlightOutlined />,
          label: <Link to="/instructions/desk">待批示</Link>,
        },
        {
          key: '/instructions/mine',
          icon: <SolutionOutlined />,
          label: <Link to="/instructions/mine">我的批示</Link>,
        },
      ],
    });
  const reading: MenuItem[] = [];
  if (hubSide)
    reading.push({
      key: '/periodicals',
      icon: <BookOutlined />,
      label: <Link to="/periodicals">刊物管理</Link>,
    });
  if (hasRole(me, BUSINESS_ROLES))
    reading.push({ key: '/received', icon: <ReadOutlined />, label: <Link to="/received">收到的刊物</Link> });
  if (reading.length) out.push({ type: 'group', key: 'g-periodicals', label: '期刊编发', children: reading });
  const scoring: MenuItem[] = [];
  if (hubSide)
    scoring.push(
      {
        key: '/scoring/rankings',
        icon: <OrderedListOutlined />,
        label: <Link to="/scoring/rankings">排名统计</Link>,
      },
      {
        key: '/scoring/ledger',
        icon: <AccountBookOutlined />,
        label: <Link to="/scoring/ledger">积分台账</Link>,
      },
      { key: '/scoring/quotas', icon: <AimOutlined />, label: <Link to="/scoring/quotas">任务指标</Link> },
    );
  if (hasRole(me, ['writer', 'reviewer', 'signer', 'org_admin']))
    scoring.push({
      key: '/standing',
      icon: <RiseOutlined />,
      label: <Link to="/standing">本单位积分与排名</Link>,
    });
  if (hasRole(me, BUSINESS_ROLES))
    scoring.push({ key: '/notices', icon: <NotificationOutlined />, label: <Link to="/notices">通报</Link> });
  if (hubSide)
    scoring.push(
      {
        key: '/scoring/rewards',
        icon: <TrophyOutlined />,
        label: <Link to="/scoring/rewards">奖励统计</Link>,
      },
      {
        key: '/scoring/rules',
        icon: <CalculatorOutlined />,
        label: <Link to="/scoring/rules">积分规则</Link>,
      },
    );
  if (scoring.length) out.push({ type: 'group', key: 'g-scoring', label: '考核统计', children: scoring });
  if (hasRole(me, ['sec_admin']))
    out.push({
      type: 'group',
      key: 'g-security',
      label: '安全管理',
      children: [
        {
          key: '/security/accounts',
          icon: <LockOutlined />,
          label: <Link to="/security/accounts">账号安全</Link>,
        },
        {
          key: '/security/sessions',
          icon: <DesktopOutlined />,
          label: <Link to="/security/sessions">在线会话</Link>,
        },
        {
          key: '/security/policy',
          icon: <SafetyCertificateOutlined />,
          label: <Link to="/security/policy">安全策略</Link>,
        },
        { key: '/admin/users', icon: <TeamOutlined />, label: <Link to="/admin/users">用户查询</Link> },
      ],
    });
  if (hasRole(me, ['audit_admin']))
    out.push({
      type: 'group',
      key: 'g-audit',
      label: '审计管理',
      children: [{ key: '/audit', icon: <FileSearchOutlined />, label: <Link to="/audit">审计日志</Link> }],
    });
  if (hasRole(me, ['sys_admin', 'org_admin']))
    out.push({
      type: 'group',
      key: 'g-admin',
      label: '系统管理',
      children: [
        { key: '/admin/orgs', icon: <ApartmentOutlined />, label: <Link to="/admin/orgs">单位管理</Link> },
        { key: '/admin/users', icon: <TeamOutlined />, label: <Link to="/admin/users">用户管理</Link> },
      ],
    });
  return out;
}

function selectedKey(path: string): string {
  if (path === '/') return '/';
  for (const k of [
    '/items/new',
    '/my',
    '/review',
    '/signoff',
    '/unit',
    '/follow-ups',
    '/instructions/desk',
    '/instructions/mine',
    '/standing',
    '/inbox',
    '/periodicals',
    '/received',
    '/scoring/rankings',
    '/scoring/ledger',
    '/scoring/quotas',
    '/scoring/rewards',
    '/scoring/rules',
    '/notices',
    '/admin/orgs',
    '/admin/users',
    '/security/accounts',
    '/security/sessions',
    '/security/policy',
    '/audit',
  ])
    if (path.startsWith(k)) return k;
  return '';
}

export function AppLayout() {
  const me = useMe();
  const { logout } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const primary = me.units[0];
  const userMenu: MenuProps = {
    items: [
      ...me.units.map((u) => ({
        key: 'unit-' + u.id,
        disabled: true,
        label: (
          <div style={{ lineHeight: 1.4 }}>
            <div style={{ color: '#1f2937' }}>{u.name}</div>
            <div style={{ fontSize: 12, color: '#6b7280' }}>{u.roleLabels.join('、')}</div>
          </div>
        ),
      })),
      { type: 'divider' as const },
      { key: 'password', icon: <KeyOutlined />, label: '修改密码' },
      { key: 'two-factor', icon: <SafetyOutlined />, label: '两步验证' },
      { key: 'logout', icon: <LogoutOutlined />, label: '退出登录' },
    ],
    onClick: ({ key }) => {
      if (key === 'password') navigate('/password');
      if (key === 'two-factor') navigate('/two-factor');
      if (key === 'logout') void logout().then(() => navigate('/login'));
    },
  };
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [location.pathname]);
  const menu = <Menu mode="inline" selectedKeys={[selectedKey(location.pathname)]} items={menuFor(me)} />;
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header className="zx-header">
        {/* Phones: the menu opens as a drawer from this button, which sits in the header, not over the page. */}
        <button
          type="button"
          className="zx-header-menu"
          aria-label="打开菜单"
          aria-expanded={menuOpen}
          onClick={() => setMenuOpen(true)}
        >
          <MenuOutlined />
        </button>
        <Link to="/" className="zx-brand" aria-label="返回工作台">
          <span className="zx-emblem" aria-hidden>
            政
          </span>
          <span className="zx-brand-title">
            政讯<span className="zx-brand-long"> · 政务信息报送平台</span>
          </span>
        </Link>
        <span className="zx-header-spacer" />
        <NotificationBell />
        <Dropdown menu={userMenu} trigger={['click']} placement="bottomRight" getPopupContainer={inHeader}>
          <button type="button" className="zx-header-user" aria-label="用户菜单">
            <Avatar size="small" icon={<UserOutlined />} />
            <span className="zx-header-who">
              <span className="zx-header-name" data-testid="current-user">
                {me.user.displayName}
              </span>
              {primary ? <span className="zx-header-unit">{primary.shortName || primary.name}</span> : null}
            </span>
            <DownOutlined className="zx-header-caret" />
          </button>
        </Dropdown>
      </Layout.Header>
      <Layout>
        <Layout.Sider width={208} className="zx-sider" theme="light">
          {menu}
        </Layout.Sider>
        <Drawer
          rootClassName="zx-menu-drawer"
          placement="left"
          open={menuOpen}
          onClose={() => setMenuOpen(false)}
          title="政讯 · 功能菜单"
          size={280}
          styles={{ body: { padding: 0 } }}
        >
          {menu}
        </Drawer>
        <Layout.Content className="zx-content">
          <Suspense fallback={<PageSpin />}>
            <Outlet />
          </Suspense>
          <div className="zx-footer">
            <FileDoneOutlined /> 政讯 Zhengxun · 政务信息报送平台 · 涉密信息严禁上网
          </div>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

/** While a page's code loads: the spinner alone, where the page will be. */
export function PageSpin() {
  return (
    <div className="zx-page-spin" role="status" aria-label="加载中">
      <Spin size="large" />
    </div>
  );
}
