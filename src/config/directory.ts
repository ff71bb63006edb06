// The admin directory (`ocdp:access`): who a user is, which groups they are in, where they may claim,
// who is an admin. Pure functions over the config; every answer comes from admins, never from a claim.
import { type Issue, shown } from "./errors";
import type { Access, Bindings, Claim, Template } from "./types";

export class Directory {
  constructor(readonly access: Access) {}

  isAdmin(user: string): boolean {
    return (this.access.admins ?? []).includes(user);
  }

  /** The groups that list the user as a member. */
  groupsOf(user: string): string[] {
    return Object.entries(this.access.groups ?? {}).filter(([, members]) => members.includes(user)).map(([g]) => g).sort();
  }

  /** A user the directory knows: an admin, a group member, or a user listed by a workspace. */
  isKnown(user: string): boolean {
    return this.isAdmin(user) || this.groupsOf(user).length > 0
      || Object.values(this.access.workspaces ?? {}).some((w) => (w.users ?? []).includes(user));
  }

  hasWorkspace(workspace: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.access.workspaces ?? {}, workspace);
  }

  /** Listed in the workspace, or a member of a group it lists. Admins are not members by right. */
  mayUseWorkspace(user: string, workspace: string): boolean {
    if (!this.hasWorkspace(workspace)) return false;
    const w = this.access.workspaces![workspace];
    if ((w.users ?? []).includes(user)) return true;
    const mine = new Set(this.groupsOf(user));
    return (w.groups ?? []).some((g) => mine.has(g));
  }

  /** Template bindings on the directory's groups. `"*"` in users admits every known user. */
  isBound(b: Bindings, user: string): boolean {
    const users = b.users ?? [];
    if (users.includes("*") || users.includes(user)) return true;
    const groups = new Set(b.groups ?? []);
    return this.groupsOf(user).some((g) => groups.has(g));
  }

  /** The directory user whose `github` login this is (logins compare case-insensitively, as GitHub's do). */
  userForGithub(login: string): string | undefined {
    const l = login.toLowerCase();
    const hits = Object.entries(this.access.users ?? {}).filter(([, a]) => a.github?.toLowerCase() === l).map(([u]) => u);
    return hits.length === 1 ? hits[0] : undefined;
  }

  /** Who a workspace admits, in words, for error messages. */
  describeWorkspace(workspace: string): string {
    const w = this.access.workspaces?.[workspace] ?? {};
    const parts = [...(w.users?.length ? [`users ${w.users.join(", ")}`] : []), ...(w.groups?.length ? [`groups ${w.groups.join(", ")}`] : [])];
    return parts.length ? parts.join("; ") : "nobody";
  }
}

/** The directory's verdict on who filed the claim: known, bound to the template, allowed in the workspace. */
export function ownerIssues(dir: Directory, t: Template, claim: Claim, where: Omit<Issue, "field" | "rule">): Issue[] {
  const user = claim.owner.user;
  const who = `user ${shown(user)}`;
  if (!dir.isKnown(user)) {
    return [{ ...where, field: "owner.user", rule: `${who} is not in the admin directory (ocdp:access: admins, group members, workspace users)` }];
  }
  const out: Issue[] = [];
  if (!dir.isBound(t.bindings, user)) {
    const groups = dir.groupsOf(user);
    out.push({ ...where, field: "owner.user", rule: `${who} (groups ${groups.length ? groups.join(", ") : "none"}, from ocdp:access.groups) is not bound to template ${t.id}` });
  }
  const ws = claim.workspaceId;
  if (!dir.hasWorkspace(ws)) {
    out.push({ ...where, field: "workspaceId", rule: `workspace ${shown(ws)} is not in ocdp:access.workspaces: it takes no claims until an admin adds it` });
  } else if (!dir.mayUseWorkspace(user, ws)) {
    out.push({ ...where, field: "workspaceId", rule: `${who} may not claim into workspace ${ws} (it admits ${dir.describeWorkspace(ws)})` });
  }
  return out;
}

