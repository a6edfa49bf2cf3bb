/** The endpoints the simulator speaks (shared by the Node server and workerd-side clients). */
export type Endpoint = "anthropic" | "openai" | "openai_responses" | "codex" | "gemini";
