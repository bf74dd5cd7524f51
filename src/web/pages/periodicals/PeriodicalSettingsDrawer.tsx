import {
  App,
  Button,
  Col,
  Drawer,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Switch,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import { PERIODICAL_KINDS, PERIODICAL_KIND_LABELS } from '../../api/periodicals';
import type { PeriodicalView } from '../../api/types';
import { OrgTreeSelect } from '../../components/OrgTreeSelect';
import { useErrorHandler } from '../../hooks';

interface SettingsForm {
  name: string;
  kind: PeriodicalView['kind'];
  publisherName?: string | null;
  totalNoBase: number;
  yearNoBase: number;
  yearNoBaseYear?: number | null;
  bao: string;
  song: string;
  fa: string;
  defaultRecipientOrgIds: string[];
  defaultCopies: number;
  active: boolean;
}

/** One 版记 line per row of the text area. */
const toLines = (s: string | undefined) =>
  (s ?? '')
    .split('\n')
    .map((x) => x.trim())
    .filter(Boolean);

/** 刊物设置: name, 编印单位, numbering bases (continuing a paper run), default 报/送/发, recipients, copies. */
export function PeriodicalSettingsDrawer(props: {
  periodical: PeriodicalView | null;
  onClose(): void;
  onSaved(p: PeriodicalView): void;
}) {
  const { periodical: p, onClose, onSaved } = props;
  const { message } = App.useApp();
  const onError = useErrorHandler();
  const [form] = Form.useForm<SettingsForm>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!p) return;
    form.setFieldsValue({
      name: p.name,
      kind: p.kind,
      publisherName: p.publisherName,
      totalNoBase: p.totalNoBase,
      yearNoBase: p.yearNoBase,
      yearNoBaseYear: p.yearNoBaseYear,
      bao: p.defaultLines.bao.join('\n'),
      song: p.defaultLines.song.join('\n'),
      fa: p.defaultLines.fa.join('\n'),
      defaultRecipientOrgIds: p.defaultRecipientOrgIds,
      defaultCopies: p.defaultCopies,
      active: p.active,
    });
  }, [p, form]);

  const save = async () => {
    if (!p) return;
    const v = await form.validateFields();
    setBusy(true);
    try {
      const next = await api.patch<PeriodicalView>(`/api/periodicals/${p.id}`, {
        rowVersion: p.rowVersion,
        name: v.name.trim(),
        kind: v.kind,
        publisherName: v.publisherName?.trim() || null,
        totalNoBase: v.totalNoBase ?? 0,
        yearNoBase: v.yearNoBase ?? 0,
        yearNoBaseYear: v.yearNoBaseYear ?? null,
        defaultLines: { bao: toLines(v.bao), song: toLines(v.song), fa: toLines(v.fa) },
        defaultRecipientOrgIds: v.defaultRecipientOrgIds ?? [],
        defaultCopies: v.defaultCopies ?? 0,
        active: v.active,
      });
      void message.success('刊物设置已保存');
      onSaved(next);
    } catch (e) {
      onError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer
      open={p !== null}
      onClose={onClose}
      size={720}
      title={p ? `刊物设置 · 《${p.name}》` : '刊物设置'}
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
        <Row gutter={12}>
          <Col span={14}>
            <Form.Item
              label="刊物名称"
              name="name"
              rules={[{ required: true, whitespace: true, message: '请填写刊物名称' }, { max: 50 }]}
            >
              <Input maxLength={50} />
            </Form.Item>
          </Col>
          <Col span={10}>
            <Form.Item label="类型" name="kind">
              <Select
                options={PERIODICAL_KINDS.map((k) => ({ value: k, label: PERIODICAL_KIND_LABELS[k] }))}
              />
            </Form.Item>
          </Col>
          <Col span={14}>
            <Form.Item label="编印单位" name="publisherName" extra="不填时为本汇总单位名称">
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col span={10}>
            <Form.Item label="在用" name="active" valuePropName="checked" extra="停刊后不能新建期刊">
              <Switch checkedChildren="在用" unCheckedChildren="停刊" />
            </Form.Item>
          </Col>
        </Row>
        <Typography.Title level={5}>期号编排</Typography.Title>
        <Typography.Paragraph type="secondary" style={{ marginTop: -4 }}>
          接续纸质刊物的编号：系统印发的下一期为“起点 + 1”，已印发的期号不会倒退。
        </Typography.Paragraph>
        <Row gutter={12}>
          <Col span={8}>
            <Form.Item label="总期号起点" name="totalNoBase">
              <InputNumber min={0} max={1_000_000} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item label="年度期号起点" name="yearNoBase">
              <InputNumber min={0} max={100_000} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item label="起点所属年度" name="yearNoBaseYear">
              <InputNumber min={1949} max={2200} style={{ width: '100%' }} placeholder="如 2026" />
            </Form.Item>
          </Col>
        </Row>
        <Typography.Title level={5}>版记默认内容</Typography.Title>
        <Typography.Paragraph type="secondary" style={{ marginTop: -4 }}>
          每行一项；新建一期时带入，编辑时可逐期修改。
        </Typography.Paragraph>
        <Form.Item label="报" name="bao">
          <Input.TextArea rows={2} placeholder="如：省政府办公厅" />
        </Form.Item>
        <Form.Item label="送" name="song">
          <Input.TextArea rows={2} placeholder="如：市委、市人大、市政协领导" />
        </Form.Item>
        <Form.Item label="发" name="fa">
          <Input.TextArea rows={2} placeholder="如：各县（市、区）人民政府办公室，市政府各部门" />
        </Form.Item>
        <Row gutter={12}>
          <Col span={18}>
            <Form.Item label="默认发送范围" name="defaultRecipientOrgIds" extra="印发时预选，可逐期调整">
              <OrgTreeSelect exclude={p ? [p.hubId] : []} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item label="默认印数（份）" name="defaultCopies">
              <InputNumber min={0} max={100_000} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Drawer>
  );
}
