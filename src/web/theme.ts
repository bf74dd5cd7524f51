import type { ThemeConfig } from 'antd';

/** 党政机关红: a deep official red for the header and primary actions; calm greys elsewhere. */
export const OFFICIAL_RED = '#a61d24';

export const theme: ThemeConfig = {
  token: {
    colorPrimary: OFFICIAL_RED,
    colorLink: '#1d4ed8',
    borderRadius: 4,
    fontFamily:
      '-apple-system, BlinkMacSystemFont, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif',
    fontSize: 14,
  },
  components: {
    Layout: {
      headerBg: OFFICIAL_RED,
      headerHeight: 56,
      headerPadding: '0 24px',
      siderBg: '#ffffff',
      bodyBg: '#f3f4f6',
    },
    Menu: { itemSelectedBg: '#fdecec', itemSelectedColor: OFFICIAL_RED },
  },
};
