/** The agent's version, sent in `register` and shown in GET /agents. */
export const AGENT_VERSION = "0.1.0";
