// Proves: the attach composer edits like a terminal prompt — the cursor moves and text goes in
// where it is, Up/Down walk through what was sent (and bring the half-written line back), text
// and Enter in one chunk sends, Tab completes a slash command and the matching commands are
// listed — and y/s/n on an empty prompt answer an approval without becoming text. Typing a message
// says so once and then at most every PREPARE_EVERY_MS (a slash command does not).
import { PREPARE_EVERY_MS } from "@maestro/protocol";
import { render } from "ink-testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Composer } from "./Composer.tsx";

const tick = (ms = 20) => new Promise((resolve) => setTimeout(resolve, ms));
const LEFT = "\u001B[D";
const UP = "\u001B[A";
const DOWN = "\u001B[B";
const TAB = "\t";

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

async function start(onAnswerKey: (key: string) => boolean = () => false) {
  const sent: string[] = [];
  const app = render(<Composer onSubmit={(line) => sent.push(line)} onAnswerKey={onAnswerKey} />);
  unmount = app.unmount;
  await tick();
  const type = async (...chunks: string[]) => {
    for (const chunk of chunks) {
      app.stdin.write(chunk);
      await tick();
    }
  };
  return { app, sent, type };
}

describe("Composer", () => {
  it("inserts where the cursor is", async () => {
    const { sent, type } = await start();
    await type("helo", LEFT, "l", "\r");
    expect(sent).toEqual(["hello"]);
  });

  it("sends text and Enter that arrive in one chunk (a paste)", async () => {
    const { sent, type } = await start();
    await type("pasted line\r", "next\r");
    expect(sent).toEqual(["pasted line", "next"]);
  });

  it("walks back through what was sent with Up, and Down returns the line being written", async () => {
    const { app, sent, type } = await start();
    await type("first\r", "second\r", "draf");
    await type(UP);
    expect(app.lastFrame()).toContain("second");
    await type(UP);
    expect(app.lastFrame()).toContain("first");
    await type(DOWN, DOWN);
    expect(app.lastFrame()).toContain("draf");
    await type(UP, UP, " again", "\r");
    expect(sent).toEqual(["first", "second", "first again"]);
  });

  it("lists the matching slash commands and completes the only one with Tab", async () => {
    const { app, sent, type } = await start();
    await type("/re");
    expect(app.lastFrame()).toContain("/regenerate [<provider> <model>]");
    expect(app.lastFrame()).toContain("/resume");
    await type("g", TAB, "openai gpt-4.1\r");
    expect(sent).toEqual(["/regenerate openai gpt-4.1"]);
    expect(app.lastFrame()).not.toContain("/resume");
  });

  it("answers an approval with one key on an empty prompt, and types it otherwise", async () => {
    const answers: string[] = [];
    const onAnswerKey = vi.fn((key: string) => {
      answers.push(key);
      return true;
    });
    const { app, sent, type } = await start(onAnswerKey);
    await type("y");
    expect(answers).toEqual(["y"]);
    expect(app.lastFrame()).not.toContain("y");
    await type("ok", "y", "\r");
    expect(sent).toEqual(["oky"]);
    expect(answers).toEqual(["y"]);
  });

  it("says a message is being typed when it starts, then at most every few seconds, and not for a command", async () => {
    const onWriting = vi.fn();
    const app = render(<Composer onSubmit={() => undefined} onAnswerKey={() => false} onWriting={onWriting} />);
    unmount = app.unmount;
    await tick();
    const now = vi.spyOn(Date, "now").mockReturnValue(1_000_000);
    try {
      app.stdin.write("/he");
      await tick();
      expect(onWriting).not.toHaveBeenCalled();
      app.stdin.write("\r");
      await tick();
      app.stdin.write("h");
      await tick();
      app.stdin.write("i");
      await tick();
      expect(onWriting).toHaveBeenCalledTimes(1);
      now.mockReturnValue(1_000_000 + PREPARE_EVERY_MS);
      app.stdin.write("!");
      await tick();
      expect(onWriting).toHaveBeenCalledTimes(2);
    } finally {
      now.mockRestore();
    }
  });
});
