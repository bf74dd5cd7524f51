import type { Category, Disclosure, Urgency } from '../server/modules/items/domain/catalog.js';

export interface DemoItem {
  unit: string;
  title: string;
  body: string[];
  category: Category;
  urgency?: Urgency;
  disclosure?: Disclosure;
  /** How far through the workflow the demo walks it. */
  stop:
    | 'draft'
    | 'in_review'
    | 'awaiting_signoff'
    | 'submitted'
    | 'received'
    | 'returned'
    | 'adopted'
    | 'forwarded';
}

/** Items in the register of real 政务信息: when, where, who, what, with figures. */
export const DEMO_ITEMS: DemoItem[] = [
  {
    unit: 'thq',
    title: '太和桥街道“网格+物业”模式破解老旧小区治理难题',
    body: [
      '今年以来，太和桥街道在辖区12个老旧小区推行“网格+物业”治理模式，将38名网格员与物业服务企业结对，建立问题发现、派单、办结、回访闭环机制。',
      '截至10月底，累计办结群众诉求1260件，办结率98.6%，小区物业费收缴率由52%提高到81%。',
    ],
    category: 'experience',
    disclosure: 'public',
    stop: 'forwarded',
  },
  {
    unit: 'jjz',
    title: '贾家庄镇多措并举推进秋收秋种',
    body: [
      '贾家庄镇组织农机合作社12家、大中型农机具86台（套）开展跨区作业，截至10月20日，全镇完成玉米收获3.2万亩，占应收面积的95%，冬小麦播种0.8万亩。',
    ],
    category: 'dynamic',
    stop: 'adopted',
  },
  {
    unit: 'fysw',
    title: '汾阳市水务局：农村饮水安全巩固提升工程完成投资4200万元',
    body: [
      '汾阳市今年实施农村饮水安全巩固提升工程17处，新建改造供水管网186公里，完成投资4200万元，惠及群众5.6万人。',
      '工程全部实行水质在线监测，农村自来水普及率达到99.2%。',
    ],
    category: 'dynamic',
    disclosure: 'public',
    stop: 'received',
  },
  {
    unit: 'fycz',
    title: '汾阳市财政局：前三季度一般公共预算收入同比增长8.3%',
    body: [
      '1—9月，全市一般公共预算收入完成12.6亿元，同比增长8.3%，其中税收收入9.1亿元，占比72.2%，收入质量稳步提高。',
    ],
    category: 'dynamic',
    stop: 'submitted',
  },
  {
    unit: 'thq',
    title: '关于部分老旧小区加装电梯居民意见分歧较大的情况反映',
    body: [
      '在推进老旧小区加装电梯工作中，太和桥街道发现低层与高层住户意见分歧较大，已申请的9个单元中仅有2个达成一致。',
      '建议出台加装电梯费用分摊指导意见，明确低层住户补偿标准。',
    ],
    category: 'problem',
    stop: 'returned',
  },
  {
    unit: 'thq',
    title: '太和桥街道开展冬季安全生产大检查',
    body: [
      '11月以来，太和桥街道组织安监、消防等部门对辖区112家沿街商铺、8个建筑工地开展冬季安全生产大检查，排查隐患43处，已整改39处。',
    ],
    category: 'dynamic',
    stop: 'awaiting_signoff',
  },
  {
    unit: 'thq',
    title: '太和桥街道启动2027年度城乡居民医保集中征缴',
    body: ['太和桥街道召开动员会，部署2027年度城乡居民基本医疗保险集中征缴工作，目标参保率不低于97%。'],
    category: 'dynamic',
    stop: 'in_review',
  },
  {
    unit: 'thq',
    title: '太和桥街道“15分钟便民生活圈”建设情况（初稿）',
    body: ['太和桥街道围绕居民就近消费需求，规划建设便民生活圈3个，新增社区食堂2处。'],
    category: 'research',
    stop: 'draft',
  },
  {
    unit: 'xyjt',
    title: '孝义市交通运输局“四好农村路”建设完成年度任务',
    body: ['孝义市今年新改建农村公路126公里，完成年度任务的105%，实现20户以上自然村通硬化路全覆盖。'],
    category: 'dynamic',
    stop: 'adopted',
  },
  {
    unit: 'dzz',
    title: '兑镇镇发展特色种植带动群众增收',
    body: [
      '兑镇镇引导群众发展核桃、中药材等特色种植2.3万亩，建成标准化基地6个，带动1800余户农户户均增收4200元。',
    ],
    category: 'experience',
    stop: 'submitted',
  },
  {
    unit: 'gtz',
    title: '古陶镇做好古城旅游旺季服务保障',
    body: [
      '国庆假期，古陶镇抽调干部职工260余人，设置志愿服务点15个，接待游客42.6万人次，未发生安全事故和重大投诉。',
    ],
    category: 'dynamic',
    disclosure: 'public',
    stop: 'received',
  },
  {
    unit: 'lsyj',
    title: '灵石县一煤矿井下发生透水事故 2人被困',
    body: [
      '11月20日14时30分许，灵石县某煤矿井下发生透水事故，当班入井38人，已升井36人，2人被困，救援工作正在进行中。',
      '县委、县政府主要领导已赶赴现场指挥救援。',
    ],
    category: 'emergency',
    urgency: 'very_urgent',
    stop: 'submitted',
  },
  {
    unit: 'jcny',
    title: '交城县农业农村局推进高标准农田建设',
    body: ['交城县今年建设高标准农田3.5万亩，总投资5250万元，已完成工程量的88%，预计年底前全部完工。'],
    category: 'dynamic',
    stop: 'adopted',
  },
  {
    unit: 'jxfg',
    title: '介休市重点项目建设进展顺利',
    body: ['介休市今年实施省市县重点项目96个，总投资327亿元，1—10月完成投资211亿元，占年度计划的86%。'],
    category: 'dynamic',
    stop: 'submitted',
  },
];
