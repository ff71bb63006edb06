import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { internalAddresses, type ObservedService, userEndpoints } from "../../src/steps/endpoints";

const svc = (type: string, ports: ObservedService["ports"], loadBalancer?: ObservedService["loadBalancer"]): ObservedService =>
  ({ name: "s", namespace: "ws-a", type, ports, loadBalancer });

describe("endpoints (user view)", () => {
  it("hides ClusterIP Services", () => {
    assert.deepEqual(userEndpoints([svc("ClusterIP", [{ port: 80 }])], [], "10.1.1.1"), []);
  });
  it("NodePort = access host + the allocated nodePort, one entry per port", () => {
    const e = userEndpoints([svc("NodePort", [{ name: "http", port: 8080, nodePort: 31234 }, { name: "tls", port: 443, nodePort: 31443 }])], [], "127.0.0.1");
    assert.deepEqual(e.map((x) => x.url), ["http://127.0.0.1:31234", "https://127.0.0.1:31443"]);
    assert.deepEqual(e.map((x) => x.service), ["s:http", "s:tls"]);
  });
  it("a NodePort not yet allocated (a preview) is pending, never guessed", () => {
    assert.equal(userEndpoints([svc("NodePort", [{ port: 80 }])], [], "h")[0].url, "pending");
  });
  it("LoadBalancer is pending until an address is observed, then ip or hostname + port", () => {
    assert.equal(userEndpoints([svc("LoadBalancer", [{ port: 4000, nodePort: 30001 }])], [], "h")[0].url, "pending");
    assert.equal(userEndpoints([svc("LoadBalancer", [{ port: 4000 }], { ingress: [{ ip: "203.0.113.7" }] })], [], "h")[0].url, "http://203.0.113.7:4000");
    assert.equal(userEndpoints([svc("LoadBalancer", [{ port: 443 }], { ingress: [{ hostname: "lb.example" }] })], [], "h")[0].url, "https://lb.example:443");
  });
  it("Ingress = its host, https when TLS covers it", () => {
    const e = userEndpoints([], [{ name: "i", namespace: "n", rules: [{ host: "a.example" }, { host: "b.example" }, {}], tls: [{ hosts: ["b.example"] }] }], "h");
    assert.deepEqual(e.map((x) => x.url), ["http://a.example/", "https://b.example/"]);
  });
});

describe("internal addresses (admin view)", () => {
  it("lists every Service port, ClusterIP included", () => {
    assert.deepEqual(internalAddresses([svc("ClusterIP", [{ port: 80 }, { port: 81 }])]), ["s.ws-a.svc:80", "s.ws-a.svc:81"]);
  });
});
