import { Alert, App, Button, Drawer, Form, Input, Skeleton, Space } from 'antd';
import { useEffect, useState } from 'react';
import { api, ApiError } from '../api/client';
import type { HopTransition, HopView } from '../api/types';
import { useErrorHandler } from '../hooks';
import { LazyRichTextEditor as RichTextEditor } from './LazyRichTextEditor';
import { TITLE_MAX } from '../../server/modules/items/domain/catalog';

interface VersionRow {
  no: number;
  title: string;
  bodyHtml: string;
}

/** 逐级修改: the receiving hub edits the text it will adopt or forward; every save is a new version. */
export function HubEditDrawer(props: {
  itemId: string;
  hop: HopView | null;
  onClose(): void;
  /** Called after the save; the page re-reads the item. */
  onSaved(result: HopTransition): void;
}) {
  const { itemId, hop, onClose, onSaved } = props;
  const { message } = App.useApp();
  const onError = useErrorHandler();
  const [form] = Form.useForm<{ title: string; note?: string }>();
  const [html, setHtml] = useState('');
  const [loaded, setLoaded] = useState(false);
  const [busy, setBusy] = useState(false);
  const [stale, setStale] = useState<string | null>(null);

  useEffect(() => {
    if (!hop) return;
    setLoaded(false);
    setStale(null);
    const no = hop.workingVersionNo ?? hop.versionNo;
    if (!no) return;
    api
      .get<VersionRow>(`/api/items/${itemId}/versions/${no}`)
      .then((v) => {
        form.setFieldsValue({ title: v.title, note: '' });
        setHtml(v.bodyHtml);
        setLoaded(true);
      })
      .catch(onError);
  }, [hop, itemId, form, onError]);

  const save = async () => {
    if (!hop) return;
    const v = await form.validateFields();
    setBusy(true);
    try {
      const d = await api.put<HopTransition>(`/api/hops/${hop.id}/content`, {
        rowVersion: hop.rowVersion,
        title: v.title,
        bodyHtml: html,
        note: v.note?.trim() || null,
      });
      void message.success('已保存为新版本');
      onSaved(d);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'stale_version') setStale(e.message);
      onError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer
      open={hop !== null}
      onClose={onClose}
      size={880}
      title={`编辑稿件（${hop?.toOrgName ?? ''}）`}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>取消</Button>
          <Button type="primary" loading={busy} disabled={!loaded} onClick={() => void save()}>
            保存修改
          </Button>
        </Space>
      }
    >
      {stale ? (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          title={`${stale}。您的修改仍在编辑器中，尚未保存。`}
        />
      ) : null}
      {!loaded ? (
        <Skeleton active paragraph={{ rows: 8 }} />
      ) : (
        <Form form={form} layout="vertical">
          <Form.Item
            label="标题"
            name="title"
            rules={[
              { required: true, whitespace: true, message: '请填写标题' },
              { max: TITLE_MAX, message: `标题不能超过${TITLE_MAX}个字，请精简` },
            ]}
          >
            <Input count={{ show: true, max: TITLE_MAX }} />
          </Form.Item>
          <Form.Item label="正文" required>
            <RichTextEditor value={html} onChange={(h) => setHtml(h)} ariaLabel="编辑正文" />
          </Form.Item>
          <Form.Item label="修改说明" name="note">
            <Input.TextArea rows={2} maxLength={500} placeholder="可选，例如：压缩篇幅、调整标题" />
          </Form.Item>
        </Form>
      )}
    </Drawer>
  );
}
