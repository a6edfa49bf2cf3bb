/**
 * A session as a readable Markdown transcript: the branch in use, person and model in turn, with
 * thinking and each tool call (with its result) folded into <details>, compactions noted, and
 * what each answer and the whole session cost. Pure: drawn from the JSON export.
 */
import type { ContentPart, ExportedMessage, SessionExport } from "@maestro/protocol";

type ToolResultPart = Extract<ContentPart, { type: "tool_result" }>;

/** The branch ending at the export's leaf, oldest first. */
export function branchInUse(file: SessionExport): ExportedMessage[] {
  const byId = new Map(file.messages.map((message) => [message.id as string, message]));
  const branch: ExportedMessage[] = [];
  const seen = new Set<string>();
  for (let at = file.leaf_id === null ? undefined : byId.get(file.leaf_id); at !== undefined;) {
    if (seen.has(at.id)) break;
    seen.add(at.id);
    branch.push(at);
    at = at.parent_id === null ? undefined : byId.get(at.parent_id);
  }
  return branch.reverse();
}

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (character) => `&#${character.charCodeAt(0)};`);

/** A fenced block that no run of backticks inside `text` can close early. */
function fence(text: string, language = ""): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const ticks = "`".repeat(longest + 1);
  return `${ticks}${language}\n${text}\n${ticks}`;
}

function details(summary: string, body: string): string {
  return `<details>\n<summary>${escapeHtml(summary)}</summary>\n\n${body}\n\n</details>`;
}

const dollars = (cost: number) => `$${cost.toFixed(cost >= 1 ? 2 : 4)}`;
const count = (tokens: number) => tokens.toLocaleString("en-US");

function answerLine(message: ExportedMessage): string | undefined {
  const facts = [
    message.model,
    message.usage === null
      ? undefined
      : `${count(message.usage.input_tokens + message.usage.cache_read_tokens)} in / ${count(message.usage.output_tokens)} out tokens`,
    message.cost_usd === null ? undefined : dollars(message.cost_usd),
    message.status === "complete" ? undefined : message.status,
    message.stop_reason === null || message.stop_reason === "end_turn" || message.stop_reason === "tool_use"
      ? undefined
      : `stopped: ${message.stop_reason}`,
  ].filter((fact): fact is string => fact !== undefined && fact !== null);
  return facts.length === 0 ? undefined : `*${facts.join(" · ")}*`;
}

function toolBlock(call: Extract<ContentPart, { type: "tool_call" }>, result: ToolResultPart | undefined): string {
  const outcome =
    result === undefined ? "no result" : result.ok ? "ok" : `failed${result.error_code === undefined ? "" : `: ${result.error_code}`}`;
  const args = call.args_json ?? JSON.stringify(call.args, null, 2);
  const body = [`Arguments:\n\n${fence(args, "json")}`, ...(result === undefined ? [] : [`Result:\n\n${fence(result.output)}`])];
  return details(`Tool call: ${call.name} (${outcome})`, body.join("\n\n"));
}

function partBlocks(message: ExportedMessage, results: ReadonlyMap<string, ToolResultPart>): string[] {
  return message.content.flatMap((part): string[] => {
    switch (part.type) {
      case "text":
        return part.text.length > 0 ? [part.text] : [];
      case "thinking":
        return part.text.length > 0 ? [details("Thinking", part.text)] : [];
      case "redacted_thinking":
        return ["*(thinking the provider keeps encrypted)*"];
      case "refusal":
        return [`> **Refused:** ${part.text}`];
      case "tool_call":
        return [toolBlock(part, results.get(part.call_id))];
      case "tool_result":
        // Shown with its call; a result whose call is not on the branch is shown alone.
        return [];
      case "compaction":
        return [
          part.summary === null
            ? `> *The session made room in the model's context here (${part.trigger}): older tool output is sent as short notes.*`
            : `> *Earlier turns were summarised here (${part.trigger}).*\n\n${details("Summary", part.summary)}`,
        ];
    }
  });
}

const HEADINGS: Record<ExportedMessage["role"], string> = {
  user: "User",
  assistant: "Assistant",
  tool: "Tool results",
  compaction: "Compaction",
};

export function sessionMarkdown(file: SessionExport): string {
  const branch = branchInUse(file);
  const { session } = file;
  const results = new Map<string, ToolResultPart>();
  const calls = new Set<string>();
  for (const message of branch)
    for (const part of message.content) {
      if (part.type === "tool_result" && !results.has(part.call_id)) results.set(part.call_id, part);
      if (part.type === "tool_call") calls.add(part.call_id);
    }
  const cost = branch.reduce((sum, message) => sum + (message.cost_usd ?? 0), 0);
  const header = [
    `# ${session.title}`,
    [
      `- **Model:** ${session.provider} / ${session.model}`,
      `- **Created:** ${session.created_at} · **Exported:** ${file.exported_at}`,
      `- **Messages:** ${branch.length} on this branch${file.messages.length > branch.length ? ` (${file.messages.length} in all branches)` : ""}`,
      `- **Cost:** ${dollars(cost)} on this branch${file.cost_usd !== undefined && file.cost_usd > cost ? ` (${dollars(file.cost_usd)} in all)` : ""}`,
    ].join("\n"),
    ...(session.system_prompt === null ? [] : [details("System prompt", session.system_prompt)]),
  ];
  const sections = branch.flatMap((message) => {
    const orphans = message.content.filter((part): part is ToolResultPart => part.type === "tool_result" && !calls.has(part.call_id));
    const blocks = [
      ...partBlocks(message, results),
      ...orphans.map((part) => details(`Tool result: ${part.name} (${part.ok ? "ok" : "failed"})`, fence(part.output))),
    ];
    if (message.role === "tool" && blocks.length === 0) return [];
    const line = message.role === "assistant" ? answerLine(message) : undefined;
    const error = message.error === null ? [] : [`> **Error:** ${message.error}`];
    return [[`## ${HEADINGS[message.role]}`, ...blocks, ...error, ...(line === undefined ? [] : [line])].join("\n\n")];
  });
  return `${[...header, "---", ...sections].join("\n\n")}\n`;
}

/** A file name for the download: the title's letters and digits, the date, the extension. */
export function exportFileName(title: string, extension: "md" | "json", now: Date): string {
  const slug = title
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
  return `maestro-${slug.length > 0 ? slug : "session"}-${now.toISOString().slice(0, 10)}.${extension}`;
}
