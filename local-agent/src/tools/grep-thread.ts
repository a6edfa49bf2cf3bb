/** The thread grep searches on (see grep-search.ts): one search in, its result out, then done. */
import { parentPort, workerData } from "node:worker_threads";
import { type SearchInput, searchFiles } from "./grep-search.ts";

parentPort?.postMessage(searchFiles(workerData as SearchInput));
