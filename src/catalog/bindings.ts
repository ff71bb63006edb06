// Access bindings: who may claim a template. A template binds users and groups; `"*"` in users admits
// everyone. No binding at all admits no one (fail closed).
import type { Bindings, Owner } from "../config/types";

export function isBound(b: Bindings, owner: Owner): boolean {
  const users = b.users ?? [];
  if (users.includes("*") || users.includes(owner.user)) return true;
  const groups = new Set(b.groups ?? []);
  return (owner.groups ?? []).some((g) => groups.has(g));
}
