import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { ApiError } from '../api/client';
import { useAuth } from '../auth/AuthContext';

interface LoginForm {
  username: string;
  password: string;
}

export function LoginPage() {
  const { me, login } = useAuth();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [error, setError] = useState<{ text: string; throttled: boolean } | null>(null);
  const [form] = Form.useForm<LoginForm>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    document.title = '登录 - 政讯 · 政务信息报送平台';
  }, []);
  const next = params.get('next') || '/';
  if (me) return <Navigate to={me.mustChangePassword ? '/password' : next} replace />;

  const onFinish = async (v: LoginForm) => {
    setBusy(true);
    setError(null);
    try {
      const m = await login(v.username.trim(), v.password);
      navigate(m.mustChangePassword ? '/password' : next.startsWith('/') ? next : '/', { replace: true });
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
      <Card className="zx-login-card" title="用户登录">
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
        <Form<LoginForm>
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
