import { CheckOutlined, ReloadOutlined } from '@ant-design/icons';
import { App, Button, Card, Empty, List, Popconfirm, Space, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import type { DeskRow } from '../../api/instructions';
import { formatTime, useErrorHandler, useKeysetList } from '../../hooks';
import { PageContainer } from '../../layout/PageContainer';

/** 待批示: items and issues put before the leader, and issues their unit received, newest first. */
export default function LeaderDeskPage() {
  const list = useKeysetList<DeskRow>('/api/instructions/desk', { limit: 20 });
  const onError = useErrorHandler();
  const { message } = App.useApp();
  const markRead = async (r: DeskRow) => {
    try {
      await api.post(
        '/api/instructions/desk/read',
        r.kind === 'flag' ? { flagId: r.flagId } : { issueId: r.issue?.id },
      );
      void message.success('已标记为已阅');
      list.reload();
    } catch (e) {
      onError(e);
    }
  };
  return (
    <PageContainer
      title="待批示"
      crumbs={[{ title: '领导批示' }, { title: '待批示' }]}
      extra={<Button icon={<ReloadOutlined />} onClick={list.reload} aria-label="刷新" />}
    >
      <Card>
        <List<DeskRow>
          itemLayout="vertical"
          loading={list.loading}
          dataSource={list.rows}
          locale={{ emptyText: <Empty description="暂无待批示事项" /> }}
          loadMore={
            list.hasMore ? (
              <div style={{ textAlign: 'center', marginTop: 12 }}>
                <Button loading={list.loadingMore} onClick={() => void list.loadMore()}>
                  加载更多
                </Button>
              </div>
            ) : null
          }
          renderItem={(r) => {
            const to = r.item ? `/items/${r.item.id}` : `/issues/${r.issue?.id}`;
            return (
              <List.Item
                data-testid="desk-row"
                actions={[
                  <Link key="open" to={to}>
                    <Button type="primary" size="small">
                      阅批
                    </Button>
                  </Link>,
                  <Popconfirm
                    key="read"
                    title="标记为已阅？"
                    description="不作批示，从待批示中移除。"
                    okText="已阅"
                    cancelText="取消"
                    onConfirm={() => void markRead(r)}
                  >
                    <Button size="small" icon={<CheckOutlined />}>
                      已阅
                    </Button>
                  </Popconfirm>,
                ]}
              >
                <List.Item.Meta
                  title={
                    <Space wrap size={6}>
                      <Tag color={r.kind === 'flag' ? 'red' : 'blue'}>{r.kindLabel}</Tag>
                      <Link to={to}>{r.item ? r.item.title : r.issue?.label}</Link>
                    </Space>
                  }
                  description={
                    <Space orientation="vertical" size={0}>
                      <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                        {r.item ? `报送单位：${r.item.orgName}` : `编印单位：${r.issue?.hubName ?? ''}`}
                        {r.issue?.title ? ` · ${r.issue.title}` : ''}
                        {r.flaggedByName ? ` · ${r.flaggedByName}呈阅` : ''} · {formatTime(r.at)}
                      </Typography.Text>
                      {r.note ? <Typography.Text>呈阅说明：{r.note}</Typography.Text> : null}
                    </Space>
                  }
                />
              </List.Item>
            );
          }}
        />
      </Card>
    </PageContainer>
  );
}
