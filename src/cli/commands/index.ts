// Every command group of the `govnav` CLI, registered by buildProgram (src/cli/main.ts). Each module
// only declares its options at load and imports its heavy parts inside the action, so loading them
// all keeps `govnav --help` quick. The list is explicit so that the compiled build has exactly the
// commands the sources have; test/cli/registry.test.ts fails when a file here is missing from it.
import type { Command } from 'commander';
import * as auditCommand from './audit.ts';
import * as classifyCommand from './classify.ts';
import * as crosswalkCommand from './crosswalk.ts';
import * as datasetsCommand from './datasets.ts';
import * as dbCommand from './db.ts';
import * as documentsCommand from './documents.ts';
import * as evalCommand from './eval.ts';
import * as exportCommand from './export.ts';
import * as importCommand from './import.ts';
import * as ingestCommand from './ingest.ts';
import * as jobsCommand from './jobs.ts';
import * as modelsCommand from './models.ts';
import * as releaseCommand from './release.ts';
import * as reviewCommand from './review.ts';
import * as serveCommand from './serve.ts';
import * as statementsCommand from './statements.ts';
import * as taxonomyCommand from './taxonomy.ts';
import * as topicsCommand from './topics.ts';
import * as usersCommand from './users.ts';
import * as workerCommand from './worker.ts';

export const COMMAND_MODULES: readonly { readonly name: string; register(program: Command): void }[] = [
  { name: 'audit', register: auditCommand.register },
  { name: 'classify', register: classifyCommand.register },
  { name: 'crosswalk', register: crosswalkCommand.register },
  { name: 'datasets', register: datasetsCommand.register },
  { name: 'db', register: dbCommand.register },
  { name: 'documents', register: documentsCommand.register },
  { name: 'eval', register: evalCommand.register },
  { name: 'export', register: exportCommand.register },
  { name: 'import', register: importCommand.register },
  { name: 'ingest', register: ingestCommand.register },
  { name: 'jobs', register: jobsCommand.register },
  { name: 'models', register: modelsCommand.register },
  { name: 'release', register: releaseCommand.register },
  { name: 'review', register: reviewCommand.register },
  { name: 'serve', register: serveCommand.register },
  { name: 'statements', register: statementsCommand.register },
  { name: 'taxonomy', register: taxonomyCommand.register },
  { name: 'topics', register: topicsCommand.register },
  { name: 'users', register: usersCommand.register },
  { name: 'worker', register: workerCommand.register },
];
