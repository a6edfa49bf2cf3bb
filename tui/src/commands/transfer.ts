/**
 * `maestro export <id>` and `maestro import <file|->`: a session to a file (Markdown to read, or
 * the lossless JSON) and a file back into a new session — a Maestro export, or an OpenAI-style
 * `messages` list. The files come and go through `io` so tests need no disk.
 */
import {
  CredentialIdSchema,
  type ImportSessionQuery,
  ProviderIdSchema,
  type RestClient,
  type SessionId,
  parseJson,
} from "@maestro/protocol";
import { type ExitCode, type Output, reportingApiErrors } from "./output.ts";

export interface TransferIo {
  /** The text of a file, or of stdin for "-". */
  read(path: string): Promise<string>;
  write(path: string, text: string): Promise<void>;
}

export interface ExportOptions {
  readonly format: "md" | "json";
  /** A file to write; stdout when undefined. */
  readonly out?: string | undefined;
  readonly raw?: boolean;
}

export function exportToFile(
  client: RestClient,
  sessionId: SessionId,
  options: ExportOptions,
  output: Output,
  io: TransferIo,
): Promise<ExitCode> {
  return reportingApiErrors(output, "export the session", async () => {
    const text =
      options.format === "md"
        ? await client.sessions.exportMarkdown(sessionId)
        : `${JSON.stringify(await client.sessions.export(sessionId, { raw: options.raw === true }), null, 2)}\n`;
    if (options.out === undefined) {
      output.out(text);
      return 0;
    }
    await io.write(options.out, text);
    output.err(`Wrote ${options.out}.\n`);
    return 0;
  });
}

export interface ImportOptions {
  readonly provider?: string | undefined;
  readonly model?: string | undefined;
  /** A credential id or label. */
  readonly credential?: string | undefined;
  readonly title?: string | undefined;
}

export async function importFromFile(
  client: RestClient,
  path: string,
  options: ImportOptions,
  output: Output,
  io: TransferIo,
): Promise<ExitCode> {
  let text: string;
  try {
    text = await io.read(path);
  } catch (error) {
    output.err(`Could not read ${path === "-" ? "stdin" : path}: ${error instanceof Error ? error.message : "unknown error"}\n`);
    return 1;
  }
  const body = parseJson(text);
  if (!body.ok) {
    output.err(`${path === "-" ? "stdin" : path} is not JSON: export a session with \`maestro export <id> --format json\`.\n`);
    return 1;
  }
  const provider = options.provider === undefined ? undefined : ProviderIdSchema.safeParse(options.provider);
  if (provider?.success === false) {
    output.err(`Unknown provider "${options.provider}".\n`);
    return 2;
  }
  return reportingApiErrors(output, "import the session", async () => {
    let credentialId: ImportSessionQuery["credential_id"];
    if (options.credential !== undefined) {
      const found = (await client.credentials.list()).data.find(
        (each) => each.id === options.credential || each.label === options.credential,
      );
      if (found === undefined) {
        output.err(`No credential "${options.credential}" (\`maestro new --help\`; ids and labels both work).\n`);
        return 2;
      }
      credentialId = CredentialIdSchema.parse(found.id);
    }
    const session = await client.sessions.import(body.value, {
      ...(provider?.data !== undefined && { provider: provider.data }),
      ...(options.model !== undefined && { model: options.model }),
      ...(credentialId !== undefined && { credential_id: credentialId }),
      ...(options.title !== undefined && { title: options.title }),
    });
    output.out(`${session.id}\n`);
    output.err(`Imported "${session.title}" (${session.provider} / ${session.model}).\n`);
    return 0;
  });
}
