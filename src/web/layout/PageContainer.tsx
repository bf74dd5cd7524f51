import { Breadcrumb } from 'antd';
import type { ReactNode } from 'react';
import { useEffect } from 'react';
import { Link } from 'react-router-dom';

export interface Crumb {
  title: string;
  to?: string;
}

/** Page head: breadcrumb, title, actions on the right; sets the document title too. */
export function PageContainer(props: {
  title: ReactNode;
  docTitle?: string;
  crumbs?: Crumb[];
  extra?: ReactNode;
  children: ReactNode;
}) {
  const { title, crumbs = [], extra, children, docTitle } = props;
  useEffect(() => {
    const t = docTitle ?? (typeof title === 'string' ? title : undefined);
    document.title = t ? `${t} - 政讯 · 政务信息报送平台` : '政讯 · 政务信息报送平台';
  }, [title, docTitle]);
  const items = [
    { title: <Link to="/">首页</Link> },
    ...crumbs.map((c) => ({ title: c.to ? <Link to={c.to}>{c.title}</Link> : c.title })),
  ];
  return (
    <>
      <div className="zx-page-head">
        <Breadcrumb items={items} />
        <div className="zx-page-title">
          <h1>{title}</h1>
          {extra ? <div>{extra}</div> : null}
        </div>
      </div>
      {children}
    </>
  );
}
