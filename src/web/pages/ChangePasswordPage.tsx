import { Alert, App, Button, Card, Form, Input, Space } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api, ApiError } from '../api/client';
import type { Me } from '../api/types';
import { useAuth, useMe } from '../auth/AuthContext';
import { formatTime, useLoad } from '../hooks';

interface PasswordRules {
  minLength: number;
  minClasses: number;
  history: number;
  text: string;
}

interface PasswordForm {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

/** Forced after first login or expiry (the server refuses everything else until done), or chosen from the menu. */
export function ChangePasswordPage() {
  const me = useMe();
  const { setMe, logout } = useAuth();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<PasswordForm>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const rules = useLoad(() => api.get<PasswordRules>('/api/auth/password-rules'), []);
  const minLength = rules.data?.minLength ?? 12;
  useEffect(() => {
    document.title = '修改密码 - 政讯 · 政务信息报送平台';
  }, []);

  const onFinish = async (v: PasswordForm) => {
    setBusy(true);
    setError(null);
    try {
      const next = await api.post<Me>('/api/auth/password', {
        currentPassword: v.currentPassword,
        newPassword: v.newPassword,
      });
      setMe(next);
      void message.success('密码已修改');
      navigate('/', { replace: true });
    } catch (e) {
      if (e instanceof ApiError) {
        const field = e.details?.field;
        if (e.status === 423) {
          // The account is locked and this session has ended: say when to come back.
          setError(e.message);
        } else if (field === 'currentPassword' || field === 'newPassword')
          form.setFields([{ name: field, errors: [e.message] }]);
        else setError(e.message);
      } else setError('修改失败，请稍后重试');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="zx-login">
      <div className="zx-login-top">
        <h1>修改密码</h1>
        <p>
          {me.user.displayName}（{me.user.username}）
        </p>
      </div>
      <Card
        className="zx-login-card"
        title={me.mustChangePassword ? '首次登录或密码已过期，请先修改密码' : '修改登录密码'}
      >
        {error ? (
          <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />
        ) : null}
        {me.accountNotices?.length ? (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 16 }}
            title="管理员近期对您的账号进行了以下操作"
            description={
              <ul style={{ margin: 0, paddingLeft: 18 }}>
                {me.accountNotices.map((n) => (
                  <li key={n.at + n.event}>
                    {formatTime(n.at)} {n.label}
                  </li>
                ))}
              </ul>
            }
          />
        ) : null}
        <Form<PasswordForm> form={form} layout="vertical" onFinish={(v) => void onFinish(v)}>
          <Form.Item
            label="当前密码"
            name="currentPassword"
            rules={[{ required: true, message: '请输入当前密码' }]}
          >
            <Input.Password autoComplete="current-password" autoFocus />
          </Form.Item>
          <Form.Item
            label="新密码"
            name="newPassword"
            extra={
              rules.data?.text ??
              '至少12位，须包含大写字母、小写字母、数字、特殊字符中的至少三类，且不得包含用户名'
            }
            rules={[
              { required: true, message: '请输入新密码' },
              { min: minLength, message: `新密码至少${minLength}位` },
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item
            label="确认新密码"
            name="confirm"
            dependencies={['newPassword']}
            rules={[
              { required: true, message: '请再次输入新密码' },
              ({ getFieldValue }) => ({
                validator: (_, value: string) =>
                  !value || getFieldValue('newPassword') === value
                    ? Promise.resolve()
                    : Promise.reject(new Error('两次输入的新密码不一致')),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Space>
            <Button type="primary" htmlType="submit" loading={busy}>
              确认修改
            </Button>
            {me.mustChangePassword ? (
              <Button onClick={() => void logout().then(() => navigate('/login'))}>退出登录</Button>
            ) : (
              <Button onClick={() => navigate(-1)}>取消</Button>
            )}
          </Space>
        </Form>
      </Card>
    </div>
  );
}
