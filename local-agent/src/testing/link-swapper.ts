/**
 * A process that races the file tools (a `node -e` script; argv: the root, the outside folder): it
 * swaps root/dir for a link to outside/ and back, and dir/t.txt for a link to outside/t.txt and
 * back — and, with `plant`, puts a link to a missing outside/planted.txt at dir/<plant>, a new
 * file's path, and takes it away. Shared by the agent's race test and the e2e through the tunnel.
 */
export function linkSwapperScript(options: { readonly plant?: string } = {}): string {
  const planting =
    options.plant === undefined
      ? ""
      : `
  step(() => fs.symlinkSync(outside + "/planted.txt", dir + "/pl"));
  step(() => fs.renameSync(dir + "/pl", dir + ${JSON.stringify(`/${options.plant}`)}));
  step(() => fs.unlinkSync(dir + ${JSON.stringify(`/${options.plant}`)}));`;
  return `
const fs = require("node:fs");
const [root, outside] = process.argv.slice(1);
const dir = root + "/dir", stash = root + "/stash", link = root + "/link";
const step = (action) => { try { action(); } catch {} };
for (;;) {
  step(() => fs.renameSync(dir, stash));
  step(() => fs.symlinkSync(outside, link));
  step(() => fs.renameSync(link, dir));
  step(() => fs.unlinkSync(dir));
  step(() => fs.renameSync(stash, dir));
  step(() => fs.symlinkSync(outside + "/t.txt", dir + "/tl"));
  step(() => fs.renameSync(dir + "/tl", dir + "/t.txt"));
  step(() => fs.writeFileSync(dir + "/tf", "INSIDE"));
  step(() => fs.renameSync(dir + "/tf", dir + "/t.txt"));${planting}
}
`;
}
