// The hash of a chart or preset tree, as Helm and Kustomize read it: they follow symlinks, so the hash
// does too. A link counts by its path, its target text and, for a link inside the tree, the content it
// leads to; a link that leaves the tree is refused (it would let a render read anything on the machine,
// and no key could see a change there). Memoised per process: trees do not change during a run.
import { createHash, type Hash } from "node:crypto";
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync, statSync } from "node:fs";
import { join, sep } from "node:path";

const hashes = new Map<string, string>();

/** A symlink that leaves its tree; the message names the link by its path inside the tree. */
export class TreeLinkError extends Error {
  constructor(readonly link: string, target: string) {
    super(`symlink ${link} points outside the tree (to ${JSON.stringify(target.slice(0, 80))}): Helm and Kustomize would read it; refused`);
    this.name = "TreeLinkError";
  }
}

const inside = (root: string, p: string) => p === root || p.startsWith(root + sep);

/** Hash of every file under `dir` (paths, bytes, symlinks as above), `.git` aside. */
export function treeHash(dir: string): string {
  const known = hashes.get(dir);
  if (known) return known;
  const h = createHash("sha256");
  if (existsSync(dir)) {
    const root = realpathSync(dir);
    walk(root, root, "", h, new Set([root]));
  }
  const out = h.digest("hex");
  hashes.set(dir, out);
  return out;
}

/** `real`: the folder on disk; `path`: where it appears in the tree (through links). */
function walk(root: string, real: string, path: string, h: Hash, seen: Set<string>): void {
  for (const name of readdirSync(real).sort()) {
    if (name === ".git") continue;
    const p = join(real, name);
    const rel = path ? `${path}/${name}` : name;
    const st = lstatSync(p);
    if (st.isSymbolicLink()) {
      const target = readlinkSync(p);
      h.update(`L\0${rel}\0${target}\0`);
      let to: string;
      try {
        to = realpathSync(p);
      } catch {
        continue; // a dangling link: its text is all there is (the tool will fail on it, and say so)
      }
      if (!inside(root, to)) throw new TreeLinkError(rel, target);
      const ts = statSync(to);
      if (ts.isDirectory()) {
        if (seen.has(to)) continue; // a loop: the tools refuse it; hashing it once is enough
        walk(root, to, rel, h, new Set([...seen, to]));
      } else if (ts.isFile()) h.update(readFileSync(to)).update("\0");
    } else if (st.isDirectory()) walk(root, p, rel, h, seen);
    else if (st.isFile()) h.update(`F\0${rel}\0`).update(readFileSync(p)).update("\0");
  }
}

/** Refuses a tree holding a link that leaves it (a Git preset's export): the same walk, result unused. */
export function checkTreeLinks(dir: string): void {
  treeHash(dir);
}
