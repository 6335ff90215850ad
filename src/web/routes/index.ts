// Every route module of the web application, registered in this order by createApp (src/web/app.ts).
// The list is explicit so that the compiled build registers exactly what the sources do; a test
// (test/web/registry.test.ts) fails when a file in this folder is missing from it.
import type { Hono } from 'hono';
import type { AppContext, AppEnv } from '../context.ts';
import * as cacheRoutes from './_cache.ts';
import * as aboutRoutes from './about.ts';
import * as adminRoutes from './admin.ts';
import * as adminJobsRoutes from './admin-jobs.ts';
import * as apiRoutes from './api.ts';
import * as citeRoutes from './cite.ts';
import * as documentsRoutes from './documents.ts';
import * as exportRoutes from './export.ts';
import * as feedbackRoutes from './feedback.ts';
import * as homeRoutes from './home.ts';
import * as reviewRoutes from './review.ts';
import * as riskRoutes from './risk.ts';
import * as searchRoutes from './search.ts';
import * as signinRoutes from './signin.ts';
import * as statementRoutes from './statement.ts';
import * as suggestRoutes from './suggest.ts';
import * as taxonomiesRoutes from './taxonomies.ts';
import * as topicsRoutes from './topics.ts';

export interface RouteModule {
  readonly name: string;
  register(app: Hono<AppEnv>, ctx: AppContext): void | Promise<void>;
}

/** The page cache comes first (it wraps every later route); then the rest by file name. */
export const ROUTE_MODULES: readonly RouteModule[] = [
  { name: '_cache', register: cacheRoutes.register },
  { name: 'about', register: aboutRoutes.register },
  { name: 'admin', register: adminRoutes.register },
  { name: 'admin-jobs', register: adminJobsRoutes.register },
  { name: 'api', register: apiRoutes.register },
  { name: 'cite', register: citeRoutes.register },
  { name: 'documents', register: documentsRoutes.register },
  { name: 'export', register: exportRoutes.register },
  { name: 'feedback', register: feedbackRoutes.register },
  { name: 'home', register: homeRoutes.register },
  { name: 'review', register: reviewRoutes.register },
  { name: 'risk', register: riskRoutes.register },
  { name: 'search', register: searchRoutes.register },
  { name: 'signin', register: signinRoutes.register },
  { name: 'statement', register: statementRoutes.register },
  { name: 'suggest', register: suggestRoutes.register },
  { name: 'taxonomies', register: taxonomiesRoutes.register },
  { name: 'topics', register: topicsRoutes.register },
];
