/**
 * The Portkey AI gateway (`@portkey-ai/gateway`, a devDependency pinned to 1.15.2) as a plain
 * gateway to compare The Maestro with. Its Node build is patched at bench time, in a copy of its
 * built entry (nothing of its code is committed); each patch is a literal text replacement that
 * must match exactly once, and `describePatches` prints them.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type Child, startChild } from "../../worker/local/child-process.ts";
import { freePort } from "../../worker/local/free-port.ts";
import { REPO_ROOT } from "../../worker/local/wrangler.ts";

interface Patch {
  readonly why: string;
  readonly find: string;
  readonly replace: string;
}

const PACKAGE = join(REPO_ROOT, "node_modules", "@portkey-ai", "gateway");

/** Both variants need these to serve at all (as shipped, every stream fails with `TypeError: immutable`). */
const TO_STREAM: readonly Patch[] = [
  {
    why:
      "ResponseService.create appends x-portkey-* headers to the upstream's Response, whose headers are immutable " +
      "under Node's undici (`TypeError: immutable`, answered as 500): copy it into a new Response first",
    find: "this.updateHeaders(i,n.cacheStatus,o),{response:i",
    replace:
      "i=new Response(i.body,{status:i.status,statusText:i.statusText,headers:new Headers(i.headers)}),this.updateHeaders(i,n.cacheStatus,o),{response:i",
  },
  {
    why: "bind 127.0.0.1, not every interface (@hono/node-server's default)",
    find: "e({fetch:Lu.fetch,port:Ku})",
    replace: 'e({fetch:Lu.fetch,port:Ku,hostname:"127.0.0.1"})',
  },
];

/** The second variant: its stream reader waits 25 ms before passing on the first chunk. */
const NO_FIRST_CHUNK_SLEEP: Patch = {
  why: "the stream reader sleeps 25 ms before the first chunk (`l?(l=!1,await sleep 25)`): skip the sleep",
  find: "l?(l=!1,await new Promise((e=>setTimeout(e,25)))):",
  replace: "l?(l=!1,void 0):",
};

export type PortkeyVariant = "as shipped" | "first-chunk sleep removed";

export function describePatches(): string {
  const line = (patch: Patch) => `  - ${patch.why}\n      \`${patch.find}\`\n    → \`${patch.replace}\``;
  return (
    `Portkey 1.15.2, node_modules/@portkey-ai/gateway/build/start-server.js patched in a copy:\n` +
    `both variants:\n${TO_STREAM.map(line).join("\n")}\n` +
    `"first-chunk sleep removed" also:\n${line(NO_FIRST_CHUNK_SLEEP)}\n`
  );
}

function apply(source: string, patch: Patch): string {
  const at = source.indexOf(patch.find);
  if (at < 0 || source.indexOf(patch.find, at + 1) >= 0) throw new Error(`Portkey patch does not match exactly once: ${patch.why}`);
  return source.slice(0, at) + patch.replace + source.slice(at + patch.find.length);
}

/** The gateway's built entry with a variant's patches applied; throws if one no longer matches (a new release). */
export async function patchedSource(variant: PortkeyVariant): Promise<string> {
  const source = await readFile(join(PACKAGE, "build", "start-server.js"), "utf8");
  return (variant === "as shipped" ? TO_STREAM : [...TO_STREAM, NO_FIRST_CHUNK_SLEEP]).reduce(apply, source);
}

export interface Portkey {
  readonly url: string;
  readonly variant: PortkeyVariant;
  readonly child: Child;
}

/**
 * Writes the patched entry into a temporary folder inside the package (so its imports resolve to
 * the same dependencies as shipped) and starts it with Node on a free 127.0.0.1 port.
 */
export async function startPortkey(variant: PortkeyVariant): Promise<{ portkey: Portkey; remove: () => Promise<void> }> {
  const patched = await patchedSource(variant);
  const folder = await mkdtemp(join(PACKAGE, ".bench-"));
  const remove = () => rm(folder, { recursive: true, force: true });
  try {
    const entry = join(folder, "start-server.js");
    await writeFile(entry, patched);
    const port = await freePort();
    let ready: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (ready = resolve));
    const child = startChild(`portkey (${variant})`, process.execPath, [entry, `--port=${port}`, "--headless"], {
      cwd: folder,
      env: { NODE_ENV: "production" },
      onLine: (line) => {
        if (line.includes("Ready for connections") || line.includes("is running")) ready();
      },
      show: (line) => /error/i.test(line),
    });
    await Promise.race([
      started,
      child.exited.then((code) => {
        throw new Error(`Portkey (${variant}) exited with ${code} before it was ready`);
      }),
    ]);
    return { portkey: { url: `http://127.0.0.1:${port}`, variant, child }, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

/** Headers that route a Chat Completions request through Portkey to the loopback upstream. */
export const portkeyHeaders = (upstreamUrl: string): Record<string, string> => ({
  "x-portkey-provider": "openai",
  "x-portkey-custom-host": `${upstreamUrl}/v1`,
});
