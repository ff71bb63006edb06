// The `ocdp` command: one catch at the edge turns typed errors into exit codes and readable lists.
// Exit codes: 0 ok; 1 invalid input or a failed render (every error listed); 2 usage error.
import { driftCommand } from "./drift";
import { RenderError, UsageError, ValidationError } from "../config/errors";
import { authorizeCommand } from "./authorize";
import { claimCommand } from "./claim";
import { diffCommand } from "./diff";
import { endpointsCommand } from "./endpoints";
import { postRenderCommand } from "./postRender";
import { renderCommand } from "./render";
import { schemaCommand } from "./schema";
import { statusCommand } from "./status";
import { templatesCommand } from "./templates";
import { downCommand, upCommand } from "./up";
import { usageCommand } from "./usage";
import { validateCommand } from "./validate";
import { expiredCommand } from "./expired";

export interface Command {
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}

export const commands: Record<string, Command> = {
  render: renderCommand,
  validate: validateCommand,
  schema: schemaCommand,
  "post-render": postRenderCommand,
  endpoints: endpointsCommand,
  diff: diffCommand,
  usage: usageCommand,
  authorize: authorizeCommand,
  claim: claimCommand,
  up: upCommand,
  status: statusCommand,
  drift: driftCommand,
  down: downCommand,
  templates: templatesCommand,
  expired: expiredCommand,
};

function help(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  return [
    "ocdp: render OCDP workload claims offline, exactly as the Pulumi program applies them",
    "",
    "Usage: ocdp <command> [options]   (ocdp <command> --help for its options)",
    "",
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    "",
    "Exit codes: 0 ok, 1 invalid input or failed render (all errors listed), 2 usage error.",
  ].join("\n");
}

export async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(`${help()}\n`);
    return name ? 0 : 2;
  }
  const cmd = commands[name];
  if (!cmd) throw new UsageError(`unknown command ${JSON.stringify(name)}\n\n${help()}`);
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(`${cmd.usage}\n`);
    return 0;
  }
  return cmd.run(rest);
}

export function report(e: unknown): number {
  if (e instanceof ValidationError) {
    process.stderr.write(`error: ${e.message}\n`);
    return 1;
  }
  if (e instanceof RenderError) {
    process.stderr.write(`error: ${e.message}\n`);
    return 1;
  }
  if (e instanceof UsageError) {
    process.stderr.write(`usage error: ${e.message}\n`);
    return 2;
  }
  // Not the user's fault: keep the trace, it is what a bug report needs.
  process.stderr.write(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return 70;
}

export function main(argv: string[]): void {
  run(argv).then(
    (code) => { process.exitCode = code; },
    (e) => { process.exitCode = report(e); },
  );
}
