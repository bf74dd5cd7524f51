import { Button, Result, Spin } from 'antd';
import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { useAuth } from './auth/AuthContext';
import { LoginPage } from './pages/LoginPage';

// Only the login form is in the first download; every other screen, the layout included, loads on demand.
const AppLayout = lazy(() => import('./layout/AppLayout').then((m) => ({ default: m.AppLayout })));
const ChangePasswordPage = lazy(() =>
  import('./pages/ChangePasswordPage').then((m) => ({ default: m.ChangePasswordPage })),
);
const SecondFactorPage = lazy(() => import('./pages/SecondFactorPage'));
const DashboardPage = lazy(() => import('./pages/DashboardPage').then((m) => ({ default: m.DashboardPage })));
const ItemListPage = lazy(() => import('./pages/ItemListPage').then((m) => ({ default: m.ItemListPage })));
const InboxPage = lazy(() => import('./pages/InboxPage').then((m) => ({ default: m.InboxPage })));
const ItemDetailPage = lazy(() =>
  import('./pages/ItemDetailPage').then((m) => ({ default: m.ItemDetailPage })),
);

const ItemEditorPage = lazy(() => import('./pages/ItemEditorPage'));
const OrgsPage = lazy(() => import('./admin/OrgsPage'));
const UsersPage = lazy(() => import('./admin/UsersPage'));
const SecurityPolicyPage = lazy(() => import('./admin/SecurityPolicyPage'));
const SecurityAccountsPage = lazy(() => import('./admin/SecurityAccountsPage'));
const SessionsPage = lazy(() => import('./admin/SessionsPage'));
const AuditLogPage = lazy(() => import('./admin/AuditLogPage'));
const PeriodicalsPage = lazy(() => import('./pages/periodicals/PeriodicalsPage'));
const IssueEditorPage = lazy(() => import('./pages/periodicals/IssueEditorPage'));
const IssueReaderPage = lazy(() => import('./pages/periodicals/IssueReaderPage'));
const ReceivedIssuesPage = lazy(() => import('./pages/periodicals/ReceivedIssuesPage'));
const NotificationsPage = lazy(() => import('./pages/NotificationsPage'));
const ScoringRulesPage = lazy(() => import('./pages/scoring/ScoringRulesPage'));
const LedgerPage = lazy(() => import('./pages/scoring/LedgerPage'));
const RankingsPage = lazy(() => import('./pages/scoring/RankingsPage'));
const QuotasPage = lazy(() => import('./pages/scoring/QuotasPage'));
const NoticesPage = lazy(() => import('./pages/scoring/NoticesPage'));
const NoticeDetailPage = lazy(() => import('./pages/scoring/NoticeDetailPage'));
const RewardsPage = lazy(() => import('./pages/scoring/RewardsPage'));
const StandingPage = lazy(() => import('./pages/scoring/StandingPage'));
const LeaderDeskPage = lazy(() => import('./pages/instructions/LeaderDeskPage'));
const MyInstructionsPage = lazy(() => import('./pages/instructions/MyInstructionsPage'));
const FollowUpsPage = lazy(() => import('./pages/instructions/FollowUpsPage'));

export function FullPageSpin() {
  return (
    <div style={{ minHeight: '60vh', display: 'flex', alignItems: 'center', justifyContent: 'center' }}>
      <Spin size="large" aria-label="加载中" />
    </div>
  );
}

function RequireAuth({ children }: { children: ReactNode }) {
  const { me, loading } = useAuth();
  const location = useLocation();
  if (loading) return <FullPageSpin />;
  if (!me)
    return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  if (me.mustChangePassword && location.pathname !== '/password') return <Navigate to="/password" replace />;
  if (!me.mustChangePassword && me.mustEnrolSecondFactor && location.pathname !== '/two-factor')
    return <Navigate to="/two-factor" replace />;
  return <>{children}</>;
}

function NotFound() {
  const navigate = useNavigate();
  return (
    <Result
      status="404"
      title="页面不存在"
      subTitle="您访问的页面不存在或已被移除。"
      extra={
        <Button type="primary" onClick={() => navigate('/')}>
          返回工作台
        </Button>
      }
    />
  );
}

export function AppRoutes() {
  return (
    <Suspense fallback={<FullPageSpin />}>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route
          path="/password"
          element={
            <RequireAuth>
              <ChangePasswordPage />
            </RequireAuth>
          }
        />
        <Route
          path="/two-factor"
          element={
            <RequireAuth>
              <SecondFactorPage />
            </RequireAuth>
          }
        />
        <Route
          element={
            <RequireAuth>
              <AppLayout />
            </RequireAuth>
          }
        >
          <Route index element={<DashboardPage />} />
          <Route path="items/new" element={<ItemEditorPage />} />
          <Route path="items/:id" element={<ItemDetailPage />} />
          <Route path="items/:id/edit" element={<ItemEditorPage />} />
          <Route path="my" element={<ItemListPage box="mine" />} />
          <Route path="unit" element={<ItemListPage box="unit" />} />
          <Route path="review" element={<ItemListPage box="review" />} />
          <Route path="signoff" element={<ItemListPage box="signoff" />} />
          <Route path="inbox" element={<InboxPage />} />
          <Route path="periodicals" element={<PeriodicalsPage />} />
          <Route path="issues/:id" element={<IssueReaderPage />} />
          <Route path="issues/:id/compile" element={<IssueEditorPage />} />
          <Route path="received" element={<ReceivedIssuesPage />} />
          <Route path="notifications" element={<NotificationsPage />} />
          <Route path="scoring/rules" element={<ScoringRulesPage />} />
          <Route path="scoring/ledger" element={<LedgerPage />} />
          <Route path="scoring/rankings" element={<RankingsPage />} />
          <Route path="scoring/quotas" element={<QuotasPage />} />
          <Route path="scoring/rewards" element={<RewardsPage />} />
          <Route path="standing" element={<StandingPage />} />
          <Route path="instructions/desk" element={<LeaderDeskPage />} />
          <Route path="instructions/mine" element={<MyInstructionsPage />} />
          <Route path="follow-ups" element={<FollowUpsPage />} />
          <Route path="notices" element={<NoticesPage />} />
          <Route path="notices/:id" element={<NoticeDetailPage />} />
          <Route path="admin/orgs" element={<OrgsPage />} />
          <Route path="admin/users" element={<UsersPage />} />
          <Route path="security/policy" element={<SecurityPolicyPage />} />
          <Route path="security/accounts" element={<SecurityAccountsPage />} />
          <Route path="security/sessions" element={<SessionsPage />} />
          <Route path="audit" element={<AuditLogPage />} />
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </Suspense>
  );
}
