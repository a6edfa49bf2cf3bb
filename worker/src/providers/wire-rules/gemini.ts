/**
 * The history rules of Gemini generateContent, with the API's own messages. Sources are
 * noted per rule; `unverified` marks wording no public report quotes.
 */
import { type Json, isRecord, recordOf, recordsOf, type WireViolation, type WireContext } from "./violation.ts";

const partsOf = (content: Json | undefined): Json[] => recordsOf(content?.parts);
const functionCalls = (content: Json | undefined): Json[] =>
  content?.role === "model" ? partsOf(content).flatMap((part) => (isRecord(part.functionCall) ? [part.functionCall] : [])) : [];
const functionResponses = (content: Json | undefined): Json[] =>
  content?.role === "user" ? partsOf(content).flatMap((part) => (isRecord(part.functionResponse) ? [part.functionResponse] : [])) : [];
/** A user turn of the person, not of tool results: where the current function-calling loop starts. */
const isPlainUserTurn = (content: Json): boolean => content.role === "user" && functionResponses(content).length === 0;

/** Responses answer the calls by name (as a multiset) and, when the calls carry ids, by id. */
function sameCalls(calls: Json[], responses: Json[]): boolean {
  const sorted = (values: unknown[]) => values.map(String).sort().join("\u0000");
  if (sorted(calls.map((call) => call.name)) !== sorted(responses.map((response) => response.name))) return false;
  const ids = calls.flatMap((call) => (typeof call.id === "string" ? [call.id] : []));
  return ids.length === 0 || sorted(ids) === sorted(responses.map((response) => response.id));
}

/** Gemini 3 refuses a function-calling step of the current turn without its thought signature. */
const enforcesThoughtSignatures = (model: string) => /^(models\/)?gemini-3/.test(model);

function geminiThoughtSignatures(contents: Json[]): WireViolation[] {
  const loopStart = contents.findLastIndex(isPlainUserTurn);
  return contents.flatMap((content, index): WireViolation[] => {
    if (index <= loopStart) return [];
    const first = partsOf(content).find((part) => isRecord(part.functionCall));
    if (first === undefined || content.role !== "model") return [];
    const signature = first.thoughtSignature;
    if (typeof signature === "string" && signature.length > 0) return [];
    // Text from Antigravity-Manager#139 and the gemini-cli reports; `position` counts contents from 1.
    return [
      {
        rule: "gemini.thought_signature_missing",
        message:
          "Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, " +
          `and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${String(recordOf(first.functionCall).name)}\` , ` +
          `position ${index + 1}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`,
      },
    ];
  });
}

export function checkGeminiRequest(body: unknown, context: WireContext): WireViolation[] {
  const contents = recordsOf(recordOf(body).contents);
  const violations: WireViolation[] = [];
  contents.forEach((content, index) => {
    const calls = functionCalls(content);
    if (calls.length > 0) {
      // Text from gemini-cli#11814 and #26486.
      if (contents[index - 1]?.role !== "user")
        violations.push({
          rule: "gemini.function_call_turn_position",
          message: "Please ensure that function call turn comes immediately after a user turn or after a function response turn.",
        });
      const responses = functionResponses(contents[index + 1]);
      // Text from gemini-cli#4217, #16415 and many more.
      if (responses.length !== calls.length)
        violations.push({
          rule: "gemini.function_response_count",
          message:
            "Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.",
        });
      // unverified wording: no public report quotes the API on a name or id mismatch.
      else if (!sameCalls(calls, responses))
        violations.push({
          rule: "gemini.function_response_mismatch",
          message: "Please ensure that the function response parts match the function call parts of the function call turn by name and id.",
        });
    }
    // langchain#27799.
    if (functionResponses(content).length > 0 && functionCalls(contents[index - 1]).length === 0)
      violations.push({
        rule: "gemini.function_response_turn_position",
        message: "Please ensure that function response turn comes immediately after a function call turn.",
      });
  });
  return enforcesThoughtSignatures(context.model) ? [...violations, ...geminiThoughtSignatures(contents)] : violations;
}
