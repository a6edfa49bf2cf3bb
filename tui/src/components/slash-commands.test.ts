// Proves: the slash command table is the one list: /help shows every command with its usage,
// an unknown command is answered with the names, and matching follows what is typed.
import { EMPTY_TRANSCRIPT, type RestClient } from "@maestro/protocol";
import { describe, expect, it } from "vitest";
import { type CommandContext, SLASH_COMMANDS, matchingCommands, runSlashCommand } from "./slash-commands.ts";

function context(): { said: string[]; context: CommandContext } {
  const said: string[] = [];
  return {
    said,
    context: {
      transcript: EMPTY_TRANSCRIPT,
      send: () => true,
      client: {} as RestClient,
      catalog: { current: null },
      say: (notice) => said.push(notice),
      later: () => undefined,
      exit: () => said.push("exit"),
    },
  };
}

describe("slash commands", () => {
  it("/help lists every command with its usage", () => {
    const { said, context: ctx } = context();
    runSlashCommand("/help", ctx);
    const lines = said[0]?.split("\n") ?? [];
    expect(lines).toHaveLength(SLASH_COMMANDS.length);
    expect(lines).toContain("/qedit <n> <new text> — change queued message n");
  });

  it("answers an unknown command with the known names", () => {
    const { said, context: ctx } = context();
    runSlashCommand("/frobnicate now", ctx);
    expect(said[0]).toMatch(/^unknown command \/frobnicate: try \/model, \/tools, .*\/quit$/);
  });

  it("matches by prefix, only while the name is being typed", () => {
    expect(matchingCommands("/").length).toBe(SLASH_COMMANDS.length);
    expect(matchingCommands("/q").map((command) => command.name)).toEqual(["qedit", "quit"]);
    expect(matchingCommands("/qedit 2")).toEqual([]);
    expect(matchingCommands("hello")).toEqual([]);
  });

  it("passes the rest of the line to the command", () => {
    const { said, context: ctx } = context();
    runSlashCommand("/quit", ctx);
    expect(said).toEqual(["exit"]);
  });
});
