// CLI command groups are registered from an explicit list (src/cli/commands/index.ts), so that the
// compiled build has exactly the commands of the sources.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { COMMAND_MODULES } from '../../src/cli/commands/index.ts';
import { buildProgram } from '../../src/cli/main.ts';

test('every command module in src/cli/commands is registered and shows in the program', async () => {
  const files = readdirSync(new URL('../../src/cli/commands/', import.meta.url))
    .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
    .map((f) => f.slice(0, -3))
    .sort();
  assert.deepEqual(COMMAND_MODULES.map((m) => m.name).sort(), files, 'src/cli/commands/index.ts must list every command file');
  const program = await buildProgram();
  const names = new Set(program.commands.map((c) => c.name()));
  for (const cmd of ['serve', 'import', 'ingest', 'classify', 'review', 'users', 'jobs', 'worker', 'db'])
    assert.ok(names.has(cmd), `govnav ${cmd} is registered`);
});
