export {
  ORG_KINDS,
  ORG_LEVELS,
  REVIEW_MODES,
  STAGE_ROLES,
  BUSINESS_ROLES,
  ADMIN_ROLES,
} from '../../server/modules/orgs/domain';

/** Column names of the org import (mirrors IMPORT_COLUMNS in src/server/modules/orgs/import.ts, which imports Node-only code). */
export const IMPORT_COLUMNS_HINT =
  '单位名称、简称、类型、行政级别、行政区划代码、上级单位、是否信息汇总单位、直报单位';
