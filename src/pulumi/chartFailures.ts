// A claim's Chart (or Directory) that fails inside the provider, after the plan rendered it offline
// (a chart that renders differently where it can reach the cluster: `lookup`, capabilities; a
// repository gone since): the engine reports the provider's error naming the claim, and stops. The
// program's registration of it then fails too, and Pulumi's runner would print that as an "unhandled
// exception" with a stack trace. It is said once more, as one line naming the claim and its template.
const FAILED = /^failed to register new resource (\S+) \[kubernetes:(helm\.sh\/v4:Chart|kustomize:v2:Directory)\]/;

/** `templates`: each claim's template id, by the claim's name (the Chart's and Directory's name). */
export function sayChartFailuresOnce(templates: Map<string, string>): void {
  // Prepended: it runs before the runner's own handler, which prints a RunError as its message alone.
  process.prependListener("unhandledRejection", (err: unknown) => {
    const e = err as { message?: string; __pulumiRunError?: boolean };
    const m = FAILED.exec(e?.message ?? "");
    if (!m || !templates.has(m[1])) return;
    e.__pulumiRunError = true;
    e.message = `claim ${m[1]} (template ${templates.get(m[1])}) was not applied: its ${m[2].startsWith("helm") ? "chart" : "preset"} failed in the provider (the error above); nothing of it changed`;
  });
}
