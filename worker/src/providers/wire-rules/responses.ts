/**
 * The history rules of the OpenAI Responses API (Codex speaks it too), with the API's own
 * messages. Sources are noted per rule; `unverified` marks wording no public report quotes.
 */
import { type Json, recordOf, recordsOf, stringOf, typeName, type WireViolation } from "./violation.ts";

function responsesItemShape(item: Json, index: number): WireViolation[] {
  const at = `input[${index}]`;
  if (item.type === "function_call" || item.type === "function_call_output") {
    if (typeof item.call_id !== "string")
      return [
        {
          rule: "responses.call_id_missing",
          message: `Missing required parameter: '${at}.call_id'.`,
          param: `${at}.call_id`,
          code: "missing_required_parameter",
        },
      ];
    if (item.type === "function_call" && typeof item.arguments !== "string")
      return [
        {
          rule: "responses.arguments_not_string",
          message: `Invalid type for '${at}.arguments': expected a string, but got ${typeName(item.arguments)} instead.`,
          param: `${at}.arguments`,
          code: "invalid_type",
        },
      ];
    return [];
  }
  if (item.type !== "reasoning") return [];
  // "Missing required parameter: 'input[N].summary'." (lidge-jun/opencodex#4673; OmniRoute#11129).
  if (item.summary === undefined)
    return [
      {
        rule: "responses.reasoning_summary_missing",
        message: `Missing required parameter: '${at}.summary'.`,
        param: `${at}.summary`,
        code: "missing_required_parameter",
      },
    ];
  if (!Array.isArray(item.summary))
    return [
      {
        rule: "responses.reasoning_summary_invalid",
        message: `Invalid type for '${at}.summary': expected an array, but got ${typeName(item.summary)} instead.`,
        param: `${at}.summary`,
        code: "invalid_type",
      },
    ];
  return recordsOf(item.summary).flatMap((part, partIndex): WireViolation[] => {
    const partAt = `${at}.summary[${partIndex}]`;
    if (part.type !== "summary_text")
      return [
        {
          rule: "responses.reasoning_summary_invalid",
          message: `Invalid value: '${String(part.type)}'. Supported values are: 'summary_text'.`,
          param: `${partAt}.type`,
          code: "invalid_value",
        },
      ];
    return typeof part.text === "string"
      ? []
      : [
          {
            rule: "responses.reasoning_summary_invalid",
            message: `Missing required parameter: '${partAt}.text'.`,
            param: `${partAt}.text`,
            code: "missing_required_parameter",
          },
        ];
  });
}

export function checkResponsesRequest(body: unknown): WireViolation[] {
  const input = recordOf(body).input;
  if (!Array.isArray(input)) return [];
  const items = recordsOf(input);
  const shapes = items.flatMap(responsesItemShape);
  const history: WireViolation[] = [];
  const calls = new Set<string>();
  const outputs = new Map<string, number>();
  items.forEach((item) => {
    const callId = stringOf(item.call_id);
    if (callId === undefined) return;
    if (item.type === "function_call") calls.add(callId);
    if (item.type !== "function_call_output") return;
    if (calls.has(callId)) outputs.set(callId, (outputs.get(callId) ?? 0) + 1);
    // vscode#320060 and continuedev/continue#10092 quote the whole body: param "input", code null.
    else
      history.push({
        rule: "responses.function_call_output_orphan",
        message: `No tool call found for function call output with call_id ${callId}.`,
        param: "input",
      });
  });
  for (const callId of calls) {
    const count = outputs.get(callId) ?? 0;
    // tjardoo/openai-client#124 quotes the whole body.
    if (count === 0)
      history.push({
        rule: "responses.function_call_unanswered",
        message: `No tool output found for function call ${callId}.`,
        param: "input",
      });
    // unverified wording: no public report quotes the API on a call answered twice.
    else if (count > 1)
      history.push({
        rule: "responses.function_call_output_duplicate",
        message: `Duplicate function call output found for function call ${callId}.`,
        param: "input",
      });
  }
  return [...shapes, ...history];
}
