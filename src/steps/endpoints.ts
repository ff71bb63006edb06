// Exposure is observed, not declared: endpoints come from the Services and Ingresses as the API server
// holds them (allocated nodePorts, load-balancer status), never from the manifests.

export interface ObservedPort {
  name?: string;
  port: number;
  nodePort?: number;
}

export interface ObservedService {
  name: string;
  namespace: string;
  type?: string;
  ports: ObservedPort[];
  loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] };
}

export interface ObservedIngress {
  name: string;
  namespace: string;
  rules: { host?: string }[];
  tls?: { hosts?: string[] }[];
}

/** What a user reaches: one entry per exposed port or Ingress host. */
export interface Endpoint {
  service: string;
  port: number;
  type: "NodePort" | "LoadBalancer" | "Ingress";
  url: string;
  host: string;
}

export const PENDING = "pending";

function scheme(port: number): string {
  return port === 443 || port === 8443 ? "https" : "http";
}

/** User view: NodePort = accessHost + allocated nodePort; LoadBalancer = observed address (or pending); Ingress = host. ClusterIP hidden. */
export function userEndpoints(services: ObservedService[], ingresses: ObservedIngress[], accessHost: string): Endpoint[] {
  const out: Endpoint[] = [];
  for (const s of services) {
    for (const p of s.ports) {
      const label = p.name ? `${s.name}:${p.name}` : s.name;
      if (s.type === "NodePort") {
        if (p.nodePort === undefined) out.push({ service: label, port: p.port, type: "NodePort", url: PENDING, host: accessHost });
        else out.push({ service: label, port: p.nodePort, type: "NodePort", url: `${scheme(p.port)}://${accessHost}:${p.nodePort}`, host: accessHost });
      } else if (s.type === "LoadBalancer") {
        const ing = s.loadBalancer?.ingress?.find((i) => i.ip || i.hostname);
        const host = ing?.ip ?? ing?.hostname;
        out.push(host
          ? { service: label, port: p.port, type: "LoadBalancer", url: `${scheme(p.port)}://${host}:${p.port}`, host }
          : { service: label, port: p.port, type: "LoadBalancer", url: PENDING, host: PENDING });
      }
    }
  }
  for (const i of ingresses) {
    for (const r of i.rules) {
      if (!r.host) continue;
      const tls = (i.tls ?? []).some((t) => (t.hosts ?? []).includes(r.host!));
      out.push({ service: i.name, port: tls ? 443 : 80, type: "Ingress", url: `${tls ? "https" : "http"}://${r.host}/`, host: r.host });
    }
  }
  return out;
}

/** Admin view: every Service's in-cluster address, ClusterIP included. */
export function internalAddresses(services: ObservedService[]): string[] {
  return services.flatMap((s) => s.ports.map((p) => `${s.name}.${s.namespace}.svc:${p.port}`));
}
