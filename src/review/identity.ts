// Who is reviewing on the command line: an explicit name, $GOVNAV_REVIEWER, or the OS user.
import { noteIgnored } from '../util/errors.ts';

/** The reviewer's name: the explicit one, else $GOVNAV_REVIEWER, else the given OS user name. */
export function reviewerName(explicit: string | undefined, env: NodeJS.ProcessEnv, osUser: () => string): string {
  const pick = explicit?.trim() || env.GOVNAV_REVIEWER?.trim();
  if (pick) return pick;
  try {
    return osUser().trim() || 'unknown';
  } catch (e) {
    // No passwd entry for this process (containers): the name is only a label on decisions.
    noteIgnored('looking up the operating-system user name', e);
    return 'unknown';
  }
}
