// Config files are parsed with `yaml` (not js-yaml) for one reason: it bounds alias expansion. A stack
// file whose aliases expand to a huge value ("billion laughs") is refused at once with a plain error
// instead of exhausting memory in the schema check or in JSON.stringify.
import { parse } from "yaml";

/** What one alias-heavy document may expand to, at most. */
const MAX_ALIASES = 100;

export function parseConfigYaml(text: string): unknown {
  return parse(text, { maxAliasCount: MAX_ALIASES, prettyErrors: false });
}
