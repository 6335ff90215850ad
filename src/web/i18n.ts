// Interface strings shared by every page, in English and Simplified Chinese. Page-specific strings
// live beside their page as { en, zh } objects.
import type { Lang } from '../model/index.ts';

export const UI = {
  siteName: { en: 'govnav', zh: 'govnav' },
  tagline: {
    en: 'A citable map of AI risk mitigations, principles and risks in governance documents',
    zh: '人工智能治理文件中风险缓解措施、原则与风险的可引用地图',
  },
  skip: { en: 'Skip to content', zh: '跳到正文' },
  home: { en: 'Home', zh: '首页' },
  search: { en: 'Search', zh: '搜索' },
  searchPlaceholder: { en: 'Search statements, e.g. red teaming', zh: '搜索条目，例如：红队测试' },
  documents: { en: 'Documents', zh: '文件' },
  taxonomies: { en: 'Taxonomies', zh: '分类体系' },
  topics: { en: 'Topics', zh: '主题' },
  risks: { en: 'Risk domains', zh: '风险领域' },
  api: { en: 'API', zh: 'API' },
  feedback: { en: 'Give feedback on this page', zh: '对本页提出反馈' },
  language: { en: 'Language', zh: '语言' },
  statements: { en: 'statements', zh: '条' },
  code: { en: 'Code', zh: '代码' },
  name: { en: 'Name', zh: '名称' },
  count: { en: 'Count', zh: '数量' },
  description: { en: 'Description', zh: '说明' },
  alsoIn: { en: 'Also in', zh: '同属' },
  projectLabel: {
    en: 'Name chosen by govnav: the publisher has not published a name for this code.',
    zh: '名称由 govnav 拟定：发布方未公布此代码的名称。',
  },
  notFound: { en: 'Not found', zh: '未找到' },
  notFoundText: { en: 'There is nothing at this address.', zh: '此地址没有内容。' },
  errorTitle: { en: 'Something went wrong', zh: '出错了' },
  errorText: {
    en: 'The server could not build this page. The error has been logged; please try again or report it.',
    zh: '服务器无法生成此页面。错误已记录；请重试或报告此问题。',
  },
  footerData: {
    en: 'Data from the sources named on each page, under their own licences. Labels show who made them.',
    zh: '数据来自各页面所列来源，并遵循其各自的许可。每个标签都注明了其来源。',
  },
  dataTable: { en: 'Data behind the chart', zh: '图表数据' },
  previous: { en: 'Previous', zh: '上一页' },
  next: { en: 'Next', zh: '下一页' },
} as const;

export type UiKey = keyof typeof UI;

export function t(lang: Lang, key: UiKey): string {
  const e = UI[key] as { en: string; zh: string };
  return lang === 'zh' ? e.zh : e.en;
}
