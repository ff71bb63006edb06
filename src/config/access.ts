// The admin directory's config (`ocdp:access`): how a stack's additions combine with the project's, and
// the checks on the directory itself. Its answers (who is in which group, who may use a workspace) are
// in src/config/directory.ts.
import type { Issue } from "./errors";
import type { Access } from "./types";

const union = (a: string[] = [], b: string[] = []) => [...new Set([...a, ...b])];

function unionMap<T>(a: Record<string, T> | undefined, b: Record<string, T> | undefined, merge: (x: T, y: T) => T): Record<string, T> | undefined {
  if (!a && !b) return undefined;
  const out: Record<string, T> = { ...(a ?? {}) };
  for (const [k, v] of Object.entries(b ?? {})) out[k] = k in out ? merge(out[k], v) : v;
  return out;
}

const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);

/**
 * The project's directory with a stack's additions: members, admins and workspaces are unions, so a
 * stack can add to the directory but never take anything away. Idempotent (a ∪ a = a): the Pulumi
 * program may get the project's value back as the stack's when the stack sets none. Values that are not
 * mappings are left for the schema check to report.
 */
export function mergeAccess(project: unknown, stack: unknown): unknown {
  if (project === undefined) return stack;
  if (stack === undefined || !isMap(project) || !isMap(stack)) return stack ?? project;
  const p = project as Access;
  const s = stack as Access;
  const shapes = [p.groups, s.groups, p.workspaces, s.workspaces, p.users, s.users].every((x) => x === undefined || isMap(x));
  if (!shapes) return stack;
  const out: Access = {
    admins: Array.isArray(p.admins) && Array.isArray(s.admins) ? union(p.admins, s.admins) : (s.admins ?? p.admins),
    groups: unionMap(p.groups, s.groups, (x, y) => (Array.isArray(x) && Array.isArray(y) ? union(x, y) : y)),
    workspaces: unionMap(p.workspaces, s.workspaces, (x, y) => (isMap(x) && isMap(y)
      ? { users: union(x.users as string[], y.users as string[]), groups: union(x.groups as string[], y.groups as string[]) } : y)),
    users: unionMap(p.users, s.users, (x, y) => ({ ...x, ...y })),
  };
  for (const k of Object.keys(out) as (keyof Access)[]) if (out[k] === undefined) delete out[k];
  return out;
}

/** Problems of the directory itself: a workspace granting a group that does not exist, a login used twice. */
export function checkDirectory(stack: string, access: Access): Issue[] {
  const out: Issue[] = [];
  const groups = new Set(Object.keys(access.groups ?? {}));
  for (const [ws, w] of Object.entries(access.workspaces ?? {})) {
    for (const g of w.groups ?? []) {
      if (!groups.has(g)) out.push({ stack, field: `ocdp:access.workspaces.${ws}.groups`, rule: `unknown group ${JSON.stringify(g)}: not in ocdp:access.groups` });
    }
  }
  const logins = new Map<string, string>();
  for (const [user, a] of Object.entries(access.users ?? {})) {
    const l = a.github?.toLowerCase();
    if (!l) continue;
    if (logins.has(l)) out.push({ stack, field: `ocdp:access.users.${user}.github`, rule: `login ${JSON.stringify(a.github)} is also user ${logins.get(l)}'s: one login, one user` });
    else logins.set(l, user);
  }
  return out;
}
