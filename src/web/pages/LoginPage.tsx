import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { ApiError } from '../api/client';
import { isChallenge, useAuth } from '../auth/AuthContext';
import type { Me } from '../api/types';

interface LoginForm {
  username: string;
  password: string;
}

export function LoginPage() {
  const { me, login, loginSecondFactor } = useAuth();
  const [challenge, setChallenge] = useState<string | null>(null);
  const [useRecovery, setUseRecovery] = useState(false);
  const [codeForm] = Form.useForm<{ code: string }>();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [error, setError] = useState<{ text: string; throttled: boolean } | null>(null);
  const [form] = Form.useForm<LoginForm>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    document.title = '登录 - 政讯 · 政务信息报送平台';
  }, []);
  const next = params.get('next') || '/';
  const landing = (m: Me) =>
    m.mustChangePassword
      ? '/password'
      : m.mustEnrolSecondFactor
        ? '/two-factor'
        : next.startsWith('/')
          ? next
          : '/';
  if (me) return <Navigate to={landing(me)} replace />;

  const showError = (e: unknown) =>
    setError(
      e instanceof ApiError
        ? { text: e.message, throttled: e.status === 423 || e.status === 429 }
        : { text: '登录失败，请稍后重试', throttled: false },
    );

  const onCode = async (v: { code: string }) => {
    if (!challenge) return;
    setBusy(true);
    setError(null);
    try {
      const code = v.code.trim();
      const m = await loginSecondFactor(challenge, useRecovery ? { recoveryCode: code } : { code });
      navigate(landing(m), { replace: true });
    } catch (e) {
      showError(e);
      codeForm.setFieldValue('code', '');
      // Expired, used or locked: back to the password step.
      if (e instanceof ApiError && (e.details?.restart || e.status === 423)) setChallenge(null);
    } finally {
      setBusy(false);
    }
  };

  const onFinish = async (v: LoginForm) => {
    setBusy(true);
    setError(null);
    try {
      const r = await login(v.username.trim(), v.password);
      if (isChallenge(r)) {
        setChallenge(r.challenge);
        setUseRecovery(false);
        return;
      }
      navigate(landing(r), { replace: true });
    } catch (e) {
      // Shown above the form, never as a field error: a lockout or a limit is not a wrong password.
      setError(
        e instanceof ApiError
          ? { text: e.message, throttled: e.status === 423 || e.status === 429 }
          : { text: '登录失败，请稍后重试', throttled: false },
      );
      form.setFieldValue('password', '');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="zx-login">
      <div className="zx-login-top">
        <span className="zx-emblem" style={{ width: 56, height: 56, fontSize: 30 }} aria-hidden>
          政
        </span>
        <h1>政讯 · 政务信息报送平台</h1>
        <p>政务信息报送 · 编辑 · 采用 · 公开</p>
      </div>
      <Card className="zx-login-card" title={challenge ? '两步验证' : '用户登录'}>
        {error ? (
          <Alert
            type={error.throttled ? 'warning' : 'error'}
            showIcon
            title={error.throttled ? '暂时无法登录' : error.text}
            description={error.throttled ? error.text : undefined}
            style={{ marginBottom: 16 }}
            role="alert"
          />
        ) : null}
        {challenge ? (
          <Form<{ code: string }>
            key={useRecovery ? 'recovery' : 'totp'}
            form={codeForm}
            layout="vertical"
            onFinish={(v) => void onCode(v)}
            requiredMark={false}
            size="large"
          >
            <Form.Item
              label={useRecovery ? '恢复码' : '动态口令'}
              name="code"
              extra={useRecovery ? '每个恢复码只能使用一次' : '请输入手机验证器中显示的6位数字'}
              rules={[{ required: true, message: useRecovery ? '请输入恢复码' : '请输入动态口令' }]}
            >
              <Input
                autoFocus
                autoComplete="one-time-code"
                inputMode={useRecovery ? 'text' : 'numeric'}
                maxLength={useRecovery ? 40 : 8}
                placeholder={useRecovery ? 'xxxxx-xxxxx-xxxxx-xxxxx' : '6位数字'}
              />
            </Form.Item>
            <Form.Item style={{ marginBottom: 8 }}>
              <Button type="primary" htmlType="submit" block loading={busy}>
                验 证
              </Button>
            </Form.Item>
            <Space>
              <Button type="link" onClick={() => setUseRecovery((r) => !r)}>
                {useRecovery ? '使用动态口令' : '使用恢复码'}
              </Button>
              <Button type="link" onClick={() => setChallenge(null)}>
                返回
              </Button>
            </Space>
          </Form>
        ) : null}
        <Form<LoginForm>
          style={challenge ? { display: 'none' } : undefined}
          form={form}
          layout="vertical"
          onFinish={(v) => void onFinish(v)}
          requiredMark={false}
          size="large"
        >
          <Form.Item label="用户名" name="username" rules={[{ required: true, message: '请输入用户名' }]}>
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus placeholder="请输入用户名" />
          </Form.Item>
          <Form.Item label="密码" name="password" rules={[{ required: true, message: '请输入密码' }]}>
            <Input.Password
              prefix={<LockOutlined />}
              autoComplete="current-password"
              placeholder="请输入密码"
            />
          </Form.Item>
          <Form.Item style={{ marginBottom: 8 }}>
            <Button type="primary" htmlType="submit" block loading={busy}>
              登 录
            </Button>
          </Form.Item>
        </Form>
        <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 0 }}>
          连续输错密码将锁定账号（默认15分钟内5次，锁定30分钟）。请勿在公共计算机上保存密码。
        </Typography.Paragraph>
      </Card>
      <div className="zx-login-foot">政讯 Zhengxun · 涉密信息不上网，上网信息不涉密</div>
    </div>
  );
}
