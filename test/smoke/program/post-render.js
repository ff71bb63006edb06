// A Helm post-renderer that marks every object, to prove the provider runs post-renderers.
const yaml = require("js-yaml");
let input = "";
process.stdin.on("data", (c) => { input += c; });
process.stdin.on("end", () => {
  const docs = yaml.loadAll(input).filter(Boolean);
  if (docs.length === 0) process.exit(1);
  for (const d of docs) {
    d.metadata.annotations = { ...(d.metadata.annotations || {}), "smoke.ocdp.io/post-rendered": "true" };
  }
  process.stdout.write(docs.map((d) => yaml.dump(d)).join("---\n"));
});
