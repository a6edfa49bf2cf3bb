/**
 * `maestro new`: a session from a template, or from a provider, model and credential, with the
 * fallback models (`--fallback <model>=<credential>`) it goes on with when its own fails for good,
 * and the local agents (`--agent <name>`, by name as GET /agents lists them) its tools run on.
 */
import {
  ApiError,
  type Credential,
  CredentialIdSchema,
  type Fallback,
  type ProviderId,
  ProviderIdSchema,
  type RestClient,
  TemplateIdSchema,
} from "@maestro/protocol";
import type { ExitCode, Output } from "./output.ts";

export interface NewOptions {
  readonly template?: string | undefined;
  readonly provider?: string | undefined;
  readonly model?: string | undefined;
  readonly credential?: string | undefined;
  readonly title?: string | undefined;
  readonly fallback?: readonly string[] | undefined;
  readonly agent?: readonly string[] | undefined;
}

/** `<model>=<credential id or label>` → a fallback on that credential's provider; a string saying what is wrong otherwise. */
function parseFallback(spec: string, credentials: readonly Credential[]): Fallback | string {
  const at = spec.indexOf("=");
  const model = spec.slice(0, at).trim();
  const name = spec.slice(at + 1).trim();
  if (at <= 0 || model.length === 0 || name.length === 0) return `--fallback "${spec}": write it as <model>=<credential id or label>`;
  const credential = credentials.find((each) => each.id === name || each.label === name);
  if (credential === undefined) return `--fallback "${spec}": no credential with that id or label`;
  return { provider: credential.provider, model, credential_id: CredentialIdSchema.parse(credential.id) };
}

export async function newSession(client: RestClient, options: NewOptions, output: Output): Promise<ExitCode> {
  // The server checks the names (an unknown agent is a 400 naming it); absent, the template's or none.
  const agents = options.agent !== undefined && options.agent.length > 0 ? { agents: [...options.agent] } : {};
  try {
    if (options.template !== undefined) {
      const session = await client.sessions.create({
        template_id: TemplateIdSchema.parse(options.template),
        ...(options.title !== undefined && { title: options.title }),
        ...agents,
      });
      output.out(`${session.id}\n`);
      return 0;
    }
    const credentials = (await client.credentials.list()).data;
    const fallbacks: Fallback[] = [];
    for (const spec of options.fallback ?? []) {
      const fallback = parseFallback(spec, credentials);
      if (typeof fallback === "string") {
        output.err(`${fallback}\n`);
        return 2;
      }
      fallbacks.push(fallback);
    }
    const credential =
      options.credential !== undefined
        ? credentials.find((each) => each.id === options.credential || each.label === options.credential)
        : credentials.find(
            (each) => each.is_enabled && !each.needs_reauth && (options.provider === undefined || each.provider === options.provider),
          );
    if (credential === undefined) {
      output.err("No usable credential: pass --credential <id or label>, or add one first.\n");
      return 2;
    }
    const provider: ProviderId = options.provider === undefined ? credential.provider : ProviderIdSchema.parse(options.provider);
    if (options.model === undefined) {
      output.err("Say which model: --model <name>.\n");
      return 2;
    }
    const session = await client.sessions.create({
      provider,
      model: options.model,
      credential_id: CredentialIdSchema.parse(credential.id),
      ...(options.title !== undefined && { title: options.title }),
      ...(fallbacks.length > 0 && { fallbacks }),
      ...agents,
    });
    output.out(`${session.id}\n`);
    return 0;
  } catch (error) {
    output.err(`${error instanceof ApiError || error instanceof Error ? error.message : "Could not create the session."}\n`);
    return 1;
  }
}
