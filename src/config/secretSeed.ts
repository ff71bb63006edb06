// `ocdp:secretSeed`: the stack secret that the values a chart generates at random are derived from
// (steps/derived.ts). Only the Pulumi program reads it; checked here without ever echoing it.
import type { Issue } from "./errors";

export const SEED_KEY = "ocdp:secretSeed";

/** What is wrong with `ocdp:secretSeed` for the claims that need it (never its value). */
export function seedProblems(stack: string, seed: string | undefined, claims: string[], secure = true): Issue[] {
  const set = `pulumi config set --secret ocdp:secretSeed "$(openssl rand -base64 32)" --stack ${stack}`;
  if (seed === undefined) {
    return claims.map((claim) => ({ stack, claim, field: SEED_KEY, rule: `its chart generates values at random, which ocdp derives from the stack secret ocdp:secretSeed, and the stack has none: an admin runs \`${set}\` (docs/admins.md#generated-values)` }));
  }
  // A seed in plain text is in the repository for anyone to derive every password from.
  if (!secure) return [{ stack, field: SEED_KEY, rule: `must be a secret (\`${set}\`)` }];
  if (seed.length < 16) return [{ stack, field: SEED_KEY, rule: `must be at least 16 characters (\`${set}\`)` }];
  return [];
}

