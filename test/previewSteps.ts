// The steps of `pulumi preview --json` that change something, split by whether their resource belongs to
// one claim (its URN names it: the Workload component, its Chart or Directory, their children).
export interface PreviewStep { op: string; urn: string }

/** Ops that change nothing in the cluster. */
const UNCHANGED = new Set(["same", "read", "refresh"]);

export function changedSteps(steps: PreviewStep[] | undefined, claim: string): { inside: PreviewStep[]; outside: PreviewStep[] } {
  if (!Array.isArray(steps) || !steps.length) throw new Error("the preview listed no steps: its JSON could not be read");
  const changed = steps.filter((s) => !UNCHANGED.has(s.op)).map((s) => ({ op: s.op, urn: s.urn }));
  // The URN's name part: `<claim>` (the component, its Chart or Directory), `<claim>-claim` and
  // `<claim>-workload` (its records), `<claim>:<namespace>/<object>` (the children Chart v4 and Directory v2 name).
  const mine = (urn: string) => {
    const name = urn.slice(urn.lastIndexOf("::") + 2);
    return name === claim || name === `${claim}-claim` || name === `${claim}-workload` || name.startsWith(`${claim}:`);
  };
  return { inside: changed.filter((s) => mine(s.urn)), outside: changed.filter((s) => !mine(s.urn)) };
}
