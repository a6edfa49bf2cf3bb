/** `maestro models [--provider p]`: the model catalog as a table, for a terminal or a pipe. */
import type { Model, ProviderId, RestClient } from "@maestro/protocol";
import { shortTokens } from "../models.ts";
import { type ExitCode, type Output, reportingApiErrors, table } from "./output.ts";

const dollars = (price: number | null) => (price === null ? "-" : String(Number(price.toFixed(4))));

function capabilities(model: Model): string {
  const { tools, reasoning, prompt_caching, images } = model.capabilities;
  const names = [
    tools && "tools",
    reasoning && "thinking",
    prompt_caching && "caching",
    images && "images",
    model.deprecated && "retiring",
  ];
  return names.filter((name) => name !== false).join(",");
}

function row(model: Model, withProvider: boolean): string[] {
  const { prices } = model;
  const priced =
    model.billing === "subscription"
      ? ["subscription", "", "", ""]
      : [dollars(prices.input), dollars(prices.output), dollars(prices.cache_read), dollars(prices.cache_write)];
  return [
    ...(withProvider ? [model.provider] : []),
    model.id,
    model.context_window === null ? "-" : shortTokens(model.context_window),
    model.max_output_tokens === null ? "-" : shortTokens(model.max_output_tokens),
    ...priced,
    capabilities(model),
  ];
}

export function listModels(client: RestClient, provider: ProviderId | undefined, output: Output): Promise<ExitCode> {
  return reportingApiErrors(output, "list the models", async () => {
    const { data } = await client.models.list(provider === undefined ? {} : { provider });
    const withProvider = provider === undefined;
    const header = [...(withProvider ? ["PROVIDER"] : []), "MODEL", "CONTEXT", "OUTPUT", "IN", "OUT", "CACHE READ", "CACHE WRITE", "CAN"];
    output.out(table([header, ...data.map((model) => row(model, withProvider))]));
    output.out("Prices: US dollars per million tokens (models.dev). Any other model id works too; its window is then unknown.\n");
    return 0;
  });
}
