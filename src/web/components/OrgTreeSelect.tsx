import { TreeSelect } from 'antd';
import { useMemo } from 'react';
import { buildTree, loadOrgs, type OrgNode, type TreeNode } from '../api/orgs';
import { useLoad } from '../hooks';

interface Node {
  value: string;
  title: string;
  key: string;
  disabled?: boolean;
  children: Node[];
}

function toNodes(nodes: TreeNode<OrgNode>[], exclude: ReadonlySet<string>): Node[] {
  return nodes.map((n) => ({
    value: n.org.id,
    key: n.org.id,
    title: n.org.name,
    disabled: exclude.has(n.org.id),
    children: toNodes(n.children, exclude),
  }));
}

/**
 * 发送范围 on the org tree: checkable, each unit chosen on its own (checking a parent does not pull in its
 * subordinates, as a bulletin goes to named offices). Used inside Form.Item.
 */
export function OrgTreeSelect(props: {
  value?: string[];
  onChange?(v: string[]): void;
  /** Units that cannot be picked (the hub itself, units already in the distribution). */
  exclude?: readonly string[];
  placeholder?: string;
  id?: string;
}) {
  const orgs = useLoad(() => loadOrgs(), []);
  const exclude = useMemo(() => new Set(props.exclude ?? []), [props.exclude]);
  const treeData = useMemo(() => toNodes(buildTree(orgs.data ?? []), exclude), [orgs.data, exclude]);
  const names = useMemo(() => new Map((orgs.data ?? []).map((o) => [o.id, o.name])), [orgs.data]);
  const value = (props.value ?? []).map((id) => ({ value: id, label: names.get(id) ?? id }));
  return (
    <TreeSelect<{ value: string; label: string }[]>
      id={props.id}
      treeData={treeData}
      value={value}
      onChange={(v) => props.onChange?.((v ?? []).map((x) => x.value))}
      treeCheckable
      treeCheckStrictly
      treeDefaultExpandAll
      showSearch
      treeNodeFilterProp="title"
      loading={orgs.loading}
      placeholder={props.placeholder ?? '在单位树上选择'}
      maxTagCount={12}
      style={{ width: '100%' }}
      styles={{ popup: { root: { maxHeight: 420, overflow: 'auto' } } }}
      allowClear
    />
  );
}

/** Names for org ids (from the cached tree). */
export function useOrgNames(): Map<string, string> {
  const orgs = useLoad(() => loadOrgs(), []);
  return useMemo(() => new Map((orgs.data ?? []).map((o) => [o.id, o.name])), [orgs.data]);
}
