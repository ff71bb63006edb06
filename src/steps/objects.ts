// Kubernetes objects as plain data: parsing tool output and printing it back.
import yaml from "js-yaml";

export type KObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
};

export function parseObjects(text: string): KObject[] {
  return (yaml.loadAll(text) as unknown[]).filter((d): d is KObject => d !== null && typeof d === "object");
}

export function dumpObjects(objs: unknown[]): string {
  return objs.map((o) => yaml.dump(o, { noRefs: true, lineWidth: -1, sortKeys: false })).join("---\n");
}

/** The API group of an apiVersion: `apps` of `apps/v1`, "" (core) of `v1`. */
export function groupOf(apiVersion: string): string {
  return apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
}

/** apiVersion/kind/namespace/name: what identifies an object in a cluster. */
export function identity(o: KObject): string {
  return `${o.apiVersion}/${o.kind}/${o.metadata?.namespace ?? ""}/${o.metadata?.name}`;
}
