import { Grid } from 'antd';

/** Below this width (antd's `md`) the app uses its phone layout: drawer menu, cards instead of tables. */
export const PHONE_MAX_WIDTH = 767;

/** True on phone-sized screens (< 768 px); follows rotation and window resizes. */
export function useIsPhone(): boolean {
  const screens = Grid.useBreakpoint();
  if (screens.md === undefined) return window.matchMedia(`(max-width: ${PHONE_MAX_WIDTH}px)`).matches;
  return !screens.md;
}
