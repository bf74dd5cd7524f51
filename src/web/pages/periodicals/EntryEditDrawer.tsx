import { App, Button, Drawer, Form, Input, Space } from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import type { IssueEntry, IssueView } from '../../api/types';
import { LazyRichTextEditor as RichTextEditor } from '../../components/LazyRichTextEditor';
import { useErrorHandler } from '../../hooks';

interface EntryForm {
  title: string;
  editorNote?: string;
  sourceLine?: string;
}

/** Edits one entry of a draft issue: title, text, 编者按 and the source line. */
export function EntryEditDrawer(props: {
  issueId: string;
  entry: IssueEntry | null;
  onClose(): void;
  onSaved(issue: IssueView): void;
}) {
  const { issueId, entry, onClose, onSaved } = props;
  const { message } = App.useApp();
  const onError = useErrorHandler();
  const [form] = Form.useForm<EntryForm>();
  const [html, setHtml] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!entry) return;
    form.setFieldsValue({
      title: entry.title,
      editorNote: entry.editorNote ?? '',
      sourceLine: entry.sourceLine,
    });
    setHtml(entry.bodyHtml);
  }, [entry, form]);

  const save = async () => {
    if (!entry) return;
    const v = await form.validateFields();
    setBusy(true);
    try {
      const next = await api.patch<IssueView>(`/api/issues/${issueId}/entries/${entry.id}`, {
        rowVersion: entry.rowVersion,
        title: v.title.trim(),
        bodyHtml: html,
        editorNote: v.editorNote?.trim() || null,
        sourceLine: v.sourceLine?.trim() ?? '',
      });
      void message.success('文章已保存');
      onSaved(next);
    } catch (e) {
      onError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer
      open={entry !== null}
      onClose={onClose}
      size={880}
      title="编辑文章"
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>取消</Button>
          <Button type="primary" loading={busy} onClick={() => void save()}>
            保存
          </Button>
        </Space>
      }
    >
      <Form form={form} layout="vertical">
        <Form.Item
          label="标题"
          name="title"
          rules={[{ required: true, whitespace: true, message: '请填写标题' }, { max: 200 }]}
        >
          <Input maxLength={200} showCount />
        </Form.Item>
        <Form.Item label="编者按" name="editorNote" extra="刊于文章之前，以楷体排印；可不填">
          <Input.TextArea rows={3} maxLength={2000} showCount />
        </Form.Item>
        <Form.Item label="正文" required>
          {entry ? <RichTextEditor value={html} onChange={(h) => setHtml(h)} ariaLabel="文章正文" /> : null}
        </Form.Item>
        <Form.Item label="来源" name="sourceLine" extra="如：（汾阳市人民政府办公室报送）">
          <Input maxLength={300} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
