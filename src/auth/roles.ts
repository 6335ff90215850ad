// Roles and what they allow. Kept free of web imports so the store and the CLI can use it.
export const ROLES = ['admin', 'reviewer', 'contributor'] as const;
export type Role = (typeof ROLES)[number];

export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
}

export function isRole(x: unknown): x is Role {
  return typeof x === 'string' && (ROLES as readonly string[]).includes(x);
}

const RANK: Record<Role, number> = { contributor: 1, reviewer: 2, admin: 3 };

/** Does `have` satisfy one of `need`? admin satisfies every role; reviewer satisfies contributor. */
export function roleSatisfies(have: Role, need: readonly Role[]): boolean {
  if (!need.length) return true;
  return need.some((r) => RANK[have] >= RANK[r]);
}
