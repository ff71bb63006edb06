// A claim's workloads wait for what their pods mount. Chart v4 and Directory v2 register a claim's
// children in no fixed order (the provider sorts them with cli-utils, whose sort ranges over a Go map),
// and the engine runs a bounded number of steps at once: in a large stack, Deployments waiting to be
// ready held every slot while the PVCs they mount were still queued, until they timed out. The
// provider turns `config.kubernetes.io/depends-on` into Pulumi dependencies between siblings, so a
// workload is created only once its own volumes, config, secrets and service account exist. It is a
// per-claim step in the post-render output (both executors print the same annotation), and cli-utils
// refuses a reference outside the Chart: only objects of the same claim are named.
import { groupOf, type KObject } from "./objects";
import { podTemplate } from "./pods";
import { podSpecReferences } from "./references";

export const DEPENDS_ON = "config.kubernetes.io/depends-on";

/**
 * Adds to each workload the claim's own objects its pods name (in place; returns `objects`). `namespace`
 * is the claim's, which the provider gives every namespaced object that has none: the annotation must
 * name it as the provider will see it. A depends-on the preset wrote is kept, ours appended after it.
 */
export function addDependsOn(objects: KObject[], namespace: string): KObject[] {
  const nsOf = (o: KObject) => o.metadata?.namespace ?? namespace;
  const present = new Set(objects.filter((o) => groupOf(o.apiVersion) === "").map((o) => `${o.kind}/${nsOf(o)}/${o.metadata?.name}`));
  for (const o of objects) {
    const spec = podTemplate(o)?.spec;
    if (!spec) continue;
    const ns = nsOf(o);
    const ours = podSpecReferences(spec)
      .filter((r) => present.has(`${r.kind}/${ns}/${r.name}`))
      .map((r) => `/namespaces/${ns}/${r.kind}/${r.name}`);
    if (ours.length === 0) continue;
    const annotations = o.metadata.annotations ?? {};
    const existing = (annotations[DEPENDS_ON] ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    // cli-utils refuses a reference twice in one annotation.
    const all = [...new Set([...existing, ...[...new Set(ours)].sort()])];
    o.metadata.annotations = { ...annotations, [DEPENDS_ON]: all.join(",") };
  }
  return objects;
}
