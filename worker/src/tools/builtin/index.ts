/** The tools that run inside the Worker, by name (one file each; one line here to add one). */
import type { WorkerTool } from "../worker-tool.ts";
import { fetchUrl } from "./fetch-url.ts";

export const workerTools: Readonly<Record<string, WorkerTool>> = {
  fetch_url: fetchUrl,
};
