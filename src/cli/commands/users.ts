// `govnav users add|list|set-role|disable|enable|reset-password`: accounts for the people who
// review and correct labels (readers need none). Passwords come from --password-stdin (first line of
// standard input), from a prompt that does not echo (on a terminal), or — visible to other users of
// the machine, so discouraged — from --password. They are never printed or logged.
import type { Command } from 'commander';
import { noteIgnored } from '../../util/errors.ts';

async function readPassword(opts: { password?: string; passwordStdin?: boolean }, confirm: boolean): Promise<string> {
  if (opts.password !== undefined) return opts.password;
  if (opts.passwordStdin || !process.stdin.isTTY) return readFirstLine();
  const first = await promptHidden('Password: ');
  if (confirm) {
    const again = await promptHidden('Password again: ');
    if (again !== first) throw new (await import('../main.ts')).UserError('The two passwords differ; nothing was changed.');
  }
  return first;
}

/** The first line of standard input (without its line ending). */
async function readFirstLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const ch of process.stdin) {
    chunks.push(ch as Buffer);
    if ((ch as Buffer).includes(10)) break;
  }
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

/** Ask on the terminal without echoing what is typed. */
async function promptHidden(question: string): Promise<string> {
  const { createInterface } = await import('node:readline');
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const out = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WriteStream };
    let asked = false;
    out._writeToOutput = (s: string) => {
      // show the question once, then nothing of what is typed
      if (!asked) {
        process.stderr.write(s);
        asked = true;
      }
    };
    rl.question(question, (answer) => {
      process.stderr.write('\n');
      rl.close();
      resolve(answer);
    });
  });
}

async function cliActor(): Promise<{ id: null; name: string }> {
  const { userInfo } = await import('node:os');
  let who = 'unknown';
  try {
    who = userInfo().username;
  } catch (e) {
    noteIgnored('looking up the operating-system user name (no passwd entry, as in some containers)', e);
    who = process.env.USER ?? 'unknown';
  }
  return { id: null, name: `cli:${who}` };
}

/** Run with the store; account errors become plain messages (exit code 2). */
async function withAccounts<T>(fn: (db: import('../../store/db.ts').Db) => Promise<T>): Promise<T> {
  const { withCliStore } = await import('../store.ts');
  const { UserError: AccountError } = await import('../../store/users.ts');
  const { UserError } = await import('../main.ts');
  try {
    return await withCliStore((s) => fn(s.db));
  } catch (e) {
    if (e instanceof AccountError) throw new UserError(e.message);
    throw e;
  }
}

export function register(program: Command): void {
  const users = program
    .command('users')
    .description('Accounts for reviewers and admins: add, list, change roles, disable, reset passwords.')
    .addHelpText(
      'after',
      '\nRoles: admin (users, datasets, releases), reviewer (decide labels), contributor (propose corrections).\n' +
        'Readers need no account. Every change is kept in the audit log (govnav audit export).\n' +
        'Passwords: --password-stdin reads the first line of standard input; on a terminal you are asked (no echo).',
    );

  addCommand(users);
  listCommand(users);
  setRoleCommand(users);
  disableCommand(users);
  enableCommand(users);
  resetPasswordCommand(users);
}

function addCommand(users: Command): void {
  users
    .command('add <username>')
    .description('Create an account.')
    .option('--role <role>', 'admin | reviewer | contributor', 'contributor')
    .option('--name <display name>', 'name shown in the interface (default: the username)')
    .option('--password-stdin', 'read the password from the first line of standard input')
    .option('--password <password>', 'the password (visible in the process list: prefer --password-stdin)')
    .action(async (username: string, opts: { role: string; name?: string; passwordStdin?: boolean; password?: string }) => {
      const { createUser, checkUsername } = await import('../../store/users.ts');
      const { isRole, ROLES } = await import('../../auth/roles.ts');
      const { UserError } = await import('../main.ts');
      if (!isRole(opts.role)) throw new UserError(`--role "${opts.role}" is not one of: ${ROLES.join(', ')}.`);
      try {
        checkUsername(username);
      } catch (e) {
        throw new UserError((e as Error).message);
      }
      const password = await readPassword(opts, true);
      const actor = await cliActor();
      const u = await withAccounts((db) => createUser(db, { username, password, role: opts.role as 'admin', displayName: opts.name }, actor));
      console.log(`created ${u.username} (${u.role})`);
    });
}

function listCommand(users: Command): void {
  users
    .command('list')
    .description('List the accounts: role, state, last sign-in.')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { listUsers } = await import('../../store/users.ts');
      const rows = await withAccounts((db) => listUsers(db));
      const view = rows.map((u) => ({
        username: u.username,
        displayName: u.displayName,
        role: u.role,
        state: u.disabledAt ? 'disabled' : u.lockedUntil && u.lockedUntil > new Date() ? 'locked' : 'active',
        signIn: u.oidcSubject ? (u.passwordHash ? 'password, oidc' : 'oidc') : 'password',
        lastSignin: u.lastSigninAt?.toISOString() ?? null,
        created: u.createdAt.toISOString(),
      }));
      if (opts.json) return void console.log(JSON.stringify(view, null, 2));
      if (!view.length) return void console.log('no accounts yet: govnav users add <name> --role admin');
      const { table } = await import('../progress.ts');
      console.log(
        table(
          ['username', 'name', 'role', 'state', 'sign-in', 'last sign-in'],
          view.map((v) => [v.username, v.displayName, v.role, v.state, v.signIn, v.lastSignin?.slice(0, 16).replace('T', ' ') ?? '']),
        ),
      );
    });
}

function setRoleCommand(users: Command): void {
  users
    .command('set-role <username> <role>')
    .description("Change an account's role (admin | reviewer | contributor).")
    .action(async (username: string, role: string) => {
      const { setRole } = await import('../../store/users.ts');
      const { isRole, ROLES } = await import('../../auth/roles.ts');
      const { UserError } = await import('../main.ts');
      if (!isRole(role)) throw new UserError(`Role "${role}" is not one of: ${ROLES.join(', ')}.`);
      const actor = await cliActor();
      const before = await withAccounts((db) => setRole(db, username, role, actor));
      console.log(`${username.toLowerCase()}: ${before} → ${role}`);
    });
}

function disableCommand(users: Command): void {
  users
    .command('disable <username>')
    .description('Disable an account: it cannot sign in, and its sessions end at once. Nothing is deleted.')
    .action(async (username: string) => {
      const { setDisabled } = await import('../../store/users.ts');
      const actor = await cliActor();
      await withAccounts((db) => setDisabled(db, username, true, actor));
      console.log(`${username.toLowerCase()}: disabled (sessions ended)`);
    });
}

function enableCommand(users: Command): void {
  users
    .command('enable <username>')
    .description('Enable a disabled account again.')
    .action(async (username: string) => {
      const { setDisabled } = await import('../../store/users.ts');
      const actor = await cliActor();
      await withAccounts((db) => setDisabled(db, username, false, actor));
      console.log(`${username.toLowerCase()}: enabled`);
    });
}

function resetPasswordCommand(users: Command): void {
  users
    .command('reset-password <username>')
    .description('Set a new password; ends every session of the account and clears its lockout.')
    .option('--password-stdin', 'read the password from the first line of standard input')
    .option('--password <password>', 'the password (visible in the process list: prefer --password-stdin)')
    .action(async (username: string, opts: { passwordStdin?: boolean; password?: string }) => {
      const { resetPassword } = await import('../../store/users.ts');
      const password = await readPassword(opts, true);
      const actor = await cliActor();
      await withAccounts((db) => resetPassword(db, username, password, actor));
      console.log(`${username.toLowerCase()}: password reset (sessions ended)`);
    });
}
