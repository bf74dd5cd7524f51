import { Button, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { useErrorHandler } from '../hooks';

/** How long a revealed value stays on screen before it is masked again. */
const SHOWN_MS = 30_000;

/**
 * Personal data as lists show it (SECURITY.md §22): the server's mask (138****1234) and, when the server
 * says the viewer may, a 「查看」 link that POSTs the audited reveal and shows the plain value for 30
 * seconds. The plain value lives only in this component's state (API answers are no-store); 「隐藏」 or
 * leaving the page forgets it.
 */
export function MaskedValue({
  masked,
  revealUrl,
  canReveal,
  field = 'phone',
}: {
  masked: string | null;
  revealUrl: string;
  canReveal: boolean;
  /** The key of the reveal answer holding the value. */
  field?: string;
}) {
  const onError = useErrorHandler();
  const [plain, setPlain] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (plain === null) return;
    const t = setTimeout(() => setPlain(null), SHOWN_MS);
    return () => clearTimeout(t);
  }, [plain]);
  if (masked === null) return <>—</>;
  const reveal = async () => {
    setBusy(true);
    try {
      const answer = await api.post<Record<string, string | null>>(revealUrl, {});
      setPlain(answer[field] ?? null);
    } catch (e) {
      onError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Space size={4}>
      <Typography.Text className="zx-masked" data-masked={plain === null ? 'true' : 'false'}>
        {plain ?? masked}
      </Typography.Text>
      {canReveal ? (
        plain === null ? (
          <Button
            type="link"
            size="small"
            loading={busy}
            onClick={() => void reveal()}
            title="查看完整号码（记入审计）"
          >
            查看
          </Button>
        ) : (
          <Button type="link" size="small" onClick={() => setPlain(null)}>
            隐藏
          </Button>
        )
      ) : null}
    </Space>
  );
}
