/**
 * Opening what the gate checked, with no window for a swap (issue 14). `Roots.resolve` judges a
 * path; by the time it is opened, a folder on the way may have become a symlink to somewhere
 * else. So the file tools open by descriptor instead: from the root, one name at a time, each
 * opened relative to its parent's descriptor (Linux: `/proc/self/fd/<fd>/<name>`, which is
 * openat) with O_NOFOLLOW, so no link is followed anywhere; missing folders are made the same way;
 * and the opened descriptor's real location (`/proc/self/fd/<fd>`) is checked against the roots
 * and the deny list again before a byte is read or written. Writes refuse a file with more than one
 * name (FILE_HARD_LINKED): its other name may be outside the roots. Reads allow it (the link was
 * made by someone who could already read the file) — see README.
 *
 * Elsewhere (macOS) there is no /proc: the same walk runs on full paths and the final check uses
 * realpath, which narrows the window but does not close it.
 */
import { constants } from "node:fs";
import { type FileHandle, mkdir, open, readlink, realpath } from "node:fs/promises";
import { basename, dirname, join, relative, sep } from "node:path";
import type { Stats } from "node:fs";
import type { ToolOutcome } from "@maestro/protocol";
import { failure } from "../tools/tool.ts";
import { type Roots, isCode, rootOf } from "./roots.ts";

export const HAS_PROC_FD = process.platform === "linux";

const FOLDER_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/** A path that names what an open folder descriptor is, wherever it now lives. */
export function descriptorPath(handle: FileHandle, fallback: string): string {
  return HAS_PROC_FD ? `/proc/self/fd/${handle.fd}` : fallback;
}

/** Where an open descriptor really is now. */
export async function realLocation(handle: FileHandle, fallback: string): Promise<string | undefined> {
  if (HAS_PROC_FD) return readlink(`/proc/self/fd/${handle.fd}`).catch(() => undefined);
  return realpath(fallback).catch(() => undefined);
}

export type Opened<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly outcome: ToolOutcome };

function changed(shown: string): ToolOutcome {
  return failure(
    "PATH_OUTSIDE_ROOTS",
    `${shown} changed while it was being opened (a folder or file became a symbolic link, or was replaced); nothing was read or written. Try again.`,
  );
}

/** The outcome for an error from open/mkdir on the walk, or a rethrow for a bug. */
function openError(error: unknown, shown: string): ToolOutcome {
  if (isCode(error, "ENOENT")) return failure("FILE_NOT_FOUND", `${shown} does not exist.`);
  if (isCode(error, "ELOOP", "ENOTDIR", "EMLINK")) return changed(shown);
  if (isCode(error, "EACCES", "EPERM")) return failure("PERMISSION_DENIED", `${shown}: permission denied.`);
  if (isCode(error, "EISDIR")) return failure("NOT_A_FILE", `${shown} is a folder.`);
  throw error;
}

/** Checks an open descriptor's real location against the roots and the deny list. */
async function verify(roots: Roots, handle: FileHandle, path: string, isFolder: boolean, shown: string): Promise<ToolOutcome | undefined> {
  const real = await realLocation(handle, path);
  if (real === undefined) return changed(shown);
  return roots.check(real, isFolder, shown);
}

/**
 * Opens the folder at `realPath` (as Roots.resolve returned it) by descriptor, name by name from
 * its root; `create` makes missing folders on the way. The caller closes the handle.
 */
export async function openFolder(roots: Roots, realPath: string, shown: string, create = false): Promise<Opened<FileHandle>> {
  const root = rootOf(roots.paths, realPath);
  if (root === undefined) return { ok: false, outcome: roots.check(realPath, true, shown) ?? changed(shown) };
  const names = relative(root, realPath)
    .split(sep)
    .filter((name) => name !== "");
  let folder: FileHandle;
  try {
    folder = await open(root, FOLDER_FLAGS);
  } catch (error) {
    return { ok: false, outcome: openError(error, shown) };
  }
  let path = root;
  try {
    for (const name of names) {
      const next = join(descriptorPath(folder, path), name);
      path = join(path, name);
      if (create)
        await mkdir(next).catch((error: unknown) => {
          if (!isCode(error, "EEXIST")) throw error;
        });
      const opened = await open(next, FOLDER_FLAGS);
      await folder.close();
      folder = opened;
    }
    const refused = await verify(roots, folder, path, true, shown);
    if (refused !== undefined) {
      await folder.close();
      return { ok: false, outcome: refused };
    }
    return { ok: true, value: folder };
  } catch (error) {
    await folder.close();
    return { ok: false, outcome: openError(error, shown) };
  }
}

export interface OpenedFile {
  readonly handle: FileHandle;
  readonly info: Stats;
  readonly created: boolean;
}

/**
 * Opens the file at `realPath` by descriptor: its folder as openFolder does, then the file by
 * name with O_NOFOLLOW. "read" opens an existing file; "write" opens one for reading and writing (not
 * truncated: the caller does that once it decides to write), creating it with O_EXCL when it is
 * missing and `create` allows. Refuses anything but a regular file, and for writing a file with
 * more than one name. The caller closes the handle.
 */
export async function openFile(
  roots: Roots,
  realPath: string,
  shown: string,
  mode: { readonly write: boolean; readonly create: boolean },
): Promise<Opened<OpenedFile>> {
  const folder = await openFolder(roots, dirname(realPath), shown, mode.create);
  if (!folder.ok) return folder;
  const path = join(descriptorPath(folder.value, dirname(realPath)), basename(realPath));
  let handle: FileHandle;
  let created = false;
  try {
    if (!mode.write) handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    else {
      try {
        handle = await open(path, constants.O_RDWR | constants.O_NOFOLLOW | constants.O_NONBLOCK);
      } catch (error) {
        if (!mode.create || !isCode(error, "ENOENT")) throw error;
        handle = await open(path, constants.O_RDWR | constants.O_NOFOLLOW | constants.O_CREAT | constants.O_EXCL, 0o666);
        created = true;
      }
    }
  } catch (error) {
    return { ok: false, outcome: openError(error, shown) };
  } finally {
    await folder.value.close();
  }
  const refuse = async (outcome: ToolOutcome): Promise<Opened<OpenedFile>> => {
    await handle.close();
    return { ok: false, outcome };
  };
  const info = await handle.stat();
  if (!info.isFile()) return refuse(failure("NOT_A_FILE", `${shown} is not a regular file.`));
  const refused = await verify(roots, handle, realPath, false, shown);
  if (refused !== undefined) return refuse(refused);
  if (mode.write && info.nlink > 1) {
    return refuse(
      failure(
        "FILE_HARD_LINKED",
        `${shown} has ${info.nlink} names (hard links); another may be outside the folders this agent may touch, so it is not changed. ` +
          "Copy it to a new file if it should be edited.",
      ),
    );
  }
  return { ok: true, value: { handle, info, created } };
}

/** Replaces an opened file's contents with `text`. */
export async function overwrite(handle: FileHandle, text: string): Promise<void> {
  const bytes = Buffer.from(text, "utf8");
  await handle.truncate(0);
  for (let at = 0; at < bytes.length;) {
    const { bytesWritten } = await handle.write(bytes, at, bytes.length - at, at);
    at += bytesWritten;
  }
}
