// Who is reviewing on the command line: an explicit name, $GOVNAV_REVIEWER, or the OS user.

/** The reviewer's name: the explicit one, else $GOVNAV_REVIEWER, else the given OS user name. */
export function reviewerName(explicit: string | undefined, env: NodeJS.ProcessEnv, osUser: () => string): string {
  const pick = explicit?.trim() || env.GOVNAV_REVIEWER?.trim();
  if (pick) return pick;
  try {
    return osUser().trim() || 'unknown';
  } catch (e) {
    if (!(e instanceof Error) || !('code' in e || 'errno' in e)) throw e;
    return 'unknown'; // no passwd entry for this process (a SystemError from userInfo)
  }
}
