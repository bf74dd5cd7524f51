/** A V8 CPU profile (`--cpu-prof`), the parts profile-summary.ts reads. */
export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
export interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The group a file belongs to: an npm package, a module of ours, a subsystem of Node's, a V8 pseudo-frame. */
export function groupOf(functionName: string, file: string): string {
  if (!file) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file); // the innermost package
  // drizzle-orm's own source maps name its files `src/…` below its package folder, which esbuild's
  // composed map resolves to `node_modules/src/…`: the only package here whose name the map loses.
  if (pkg) return pkg[1] === 'src' ? 'drizzle-orm' : pkg[1]!;
  const ours = /\/src\/(server\/(?:modules|http|db|policy)\/[^/.]+|server\/[^/]+|shared\/[^/]+)/.exec(file);
  if (ours) return `src/${ours[1]!.replace(/\.ts$/, '')}`;
  const node = /^node:(?:internal\/)?(?:deps\/)?([^/]+)/.exec(file);
  if (node) return `node:${node[1]!.replace(/\.js$/, '').replace(/^_http_\w+$/, 'http')}`;
  return file;
}
