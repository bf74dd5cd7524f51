import { Alert, App, Button, Card, Form, Input, QRCode, Space, Steps, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api, ApiError } from '../api/client';
import type { Me } from '../api/types';
import { useAuth, useMe } from '../auth/AuthContext';
import { formatTime, useLoad } from '../hooks';

interface Status {
  kind: 'totp' | 'sm2-ukey' | null;
  status: 'none' | 'pending' | 'active';
  required: boolean;
  recoveryCodesLeft: number;
  enabledAt: string | null;
}

/** 两步验证: bind an authenticator app (QR code of the otpauth:// URI), confirm with a code, keep the recovery codes. */
export default function SecondFactorPage() {
  const me = useMe();
  const { setMe, logout } = useAuth();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const status = useLoad(() => api.get<Status>('/api/auth/second-factor'), []);
  const [started, setStarted] = useState<{ uri: string; secret: string } | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ code: string }>();
  useEffect(() => {
    document.title = '两步验证 - 政讯 · 政务信息报送平台';
  }, []);

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      setStarted(
        await api.post<{ uri: string; secret: string }>('/api/auth/second-factor/enrol', { kind: 'totp' }),
      );
    } catch (e) {
      setError(e instanceof ApiError ? e.message : '操作失败，请稍后重试');
    } finally {
      setBusy(false);
    }
  };

  const confirm = async (v: { code: string }) => {
    setBusy(true);
    setError(null);
    try {
      const r = await api.post<{ recoveryCodes: string[] }>('/api/auth/second-factor/confirm', {
        code: v.code.trim(),
      });
      setCodes(r.recoveryCodes);
      void message.success('两步验证已启用');
      setMe(await api.get<Me>('/api/auth/me'));
    } catch (e) {
      if (e instanceof ApiError && e.details?.field === 'code')
        form.setFields([{ name: 'code', errors: [e.message] }]);
      else setError(e instanceof ApiError ? e.message : '操作失败，请稍后重试');
    } finally {
      setBusy(false);
    }
  };

  const download = () => {
    const text = `政讯 两步验证恢复码（${me.user.username}）\n每个恢复码只能使用一次，请妥善保管。\n\n${codes!.join('\n')}\n`;
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `政讯恢复码-${me.user.username}.txt`;
    a.click();
    URL.revokeObjectURL(url);
  };

  const active = status.data?.status === 'active' && !codes;
  const step = codes ? 2 : started ? 1 : 0;

  return (
    <div className="zx-login">
      <div className="zx-login-top">
        <h1>两步验证</h1>
        <p>
          {me.user.displayName}（{me.user.username}）
        </p>
      </div>
      <Card className="zx-login-card" style={{ maxWidth: 520 }} title="动态口令（TOTP）">
        {me.mustEnrolSecondFactor ? (
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 16 }}
            title="安全策略要求您启用两步验证，完成绑定后方可继续使用系统"
          />
        ) : null}
        {error ? (
          <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />
        ) : null}
        {active ? (
          <>
            <Alert
              type="success"
              showIcon
              title="已启用两步验证"
              description={`启用时间：${formatTime(status.data!.enabledAt ?? '')}；剩余恢复码 ${status.data!.recoveryCodesLeft} 个。如手机丢失或需更换，请联系安全管理员重置。`}
            />
            <Button style={{ marginTop: 16 }} onClick={() => navigate('/')}>
              返回工作台
            </Button>
          </>
        ) : (
          <>
            <Steps
              size="small"
              current={step}
              style={{ marginBottom: 16 }}
              items={[{ title: '生成密钥' }, { title: '扫码并验证' }, { title: '保存恢复码' }]}
            />
            {step === 0 ? (
              <Space orientation="vertical">
                <Typography.Paragraph>
                  启用后，登录时除密码外还需输入手机验证器（如“微信小程序-腾讯身份验证器”、Google
                  Authenticator、FreeOTP 等）中显示的6位动态口令。
                </Typography.Paragraph>
                <Button type="primary" loading={busy} onClick={() => void start()} autoFocus>
                  开始绑定
                </Button>
              </Space>
            ) : null}
            {step === 1 && started ? (
              <Form<{ code: string }> form={form} layout="vertical" onFinish={(v) => void confirm(v)}>
                <Typography.Paragraph>
                  用验证器扫描下方二维码；无法扫码时可手工输入密钥。
                </Typography.Paragraph>
                <QRCode value={started.uri} size={200} aria-label="绑定二维码" style={{ marginBottom: 12 }} />
                <Typography.Paragraph copyable={{ text: started.secret }}>
                  密钥：<code data-testid="totp-secret">{started.secret}</code>
                </Typography.Paragraph>
                <Form.Item
                  label="验证器中当前显示的6位动态口令"
                  name="code"
                  rules={[
                    { required: true, message: '请输入动态口令' },
                    { pattern: /^\s*\d{6}\s*$/, message: '动态口令为6位数字' },
                  ]}
                >
                  <Input inputMode="numeric" autoComplete="one-time-code" maxLength={8} autoFocus />
                </Form.Item>
                <Button type="primary" htmlType="submit" loading={busy}>
                  确认绑定
                </Button>
              </Form>
            ) : null}
            {step === 2 && codes ? (
              <>
                <Alert
                  type="warning"
                  showIcon
                  style={{ marginBottom: 12 }}
                  title="请立即保存以下恢复码：手机丢失时可用其登录，每个只能使用一次，离开本页后不再显示"
                />
                <ol
                  className="zx-recovery-codes"
                  data-testid="recovery-codes"
                  style={{ fontFamily: 'monospace' }}
                >
                  {codes.map((c) => (
                    <li key={c}>{c}</li>
                  ))}
                </ol>
                <Space wrap>
                  <Button onClick={download}>下载恢复码</Button>
                  <Button onClick={() => window.print()}>打印</Button>
                  <Button type="primary" onClick={() => navigate('/', { replace: true })}>
                    我已保存，进入系统
                  </Button>
                </Space>
              </>
            ) : null}
          </>
        )}
        {me.mustEnrolSecondFactor && !codes ? (
          <Button type="link" onClick={() => void logout().then(() => navigate('/login'))}>
            退出登录
          </Button>
        ) : null}
      </Card>
    </div>
  );
}
