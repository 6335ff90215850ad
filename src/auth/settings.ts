// Account and session settings with their defaults (config.auth overrides each).
import type { Config } from '../config.ts';
import type { SessionLimits } from '../store/sessions.ts';

export interface AuthSettings extends SessionLimits {
  secureCookies: boolean | undefined;
  maxFailedSignins: number;
  lockMinutes: number;
}

export const AUTH_DEFAULTS = {
  sessionIdleMinutes: 120,
  sessionAbsoluteHours: 12,
  maxFailedSignins: 5,
  lockMinutes: 15,
} as const;

export function authSettings(config: Config): AuthSettings {
  const a = config.auth ?? {};
  return {
    secureCookies: a.secureCookies,
    idleMinutes: a.sessionIdleMinutes ?? AUTH_DEFAULTS.sessionIdleMinutes,
    absoluteHours: a.sessionAbsoluteHours ?? AUTH_DEFAULTS.sessionAbsoluteHours,
    maxFailedSignins: a.maxFailedSignins ?? AUTH_DEFAULTS.maxFailedSignins,
    lockMinutes: a.lockMinutes ?? AUTH_DEFAULTS.lockMinutes,
  };
}
