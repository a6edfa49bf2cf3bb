// Proves: a model id finds its catalog entry exactly, then as a dated or tagged variant of a
// known id, and a dated-only entry answers to its family name; a real id always wins over such an
// alias, the newest dated sibling answers to the family, and shared letters alone match nothing.
import { describe, expect, it } from "vitest";
import { modelMatcher, undatedModelId } from "./model-match.ts";

const models = [
  { id: "claude-sonnet-4-5" },
  { id: "claude-sonnet-4-5-20250929" },
  { id: "claude-3-7-sonnet-20250219" },
  { id: "gpt-5" },
  { id: "gpt-5-mini" },
  { id: "gpt-4o" },
  { id: "gpt-4o-2024-05-13" },
  { id: "gpt-4o-2024-11-20" },
  { id: "o1-2024-12-17" },
  { id: "o1-2025-01-01" },
];
const match = modelMatcher(models);
const idOf = (id: string) => match(id)?.id;

describe("modelMatcher", () => {
  it("finds the id itself", () => {
    expect(idOf("claude-sonnet-4-5")).toBe("claude-sonnet-4-5");
    expect(idOf("claude-sonnet-4-5-20250929")).toBe("claude-sonnet-4-5-20250929");
    expect(idOf("gpt-4o-2024-05-13")).toBe("gpt-4o-2024-05-13");
  });

  it("finds dated and tagged variants through their family", () => {
    expect(idOf("claude-sonnet-4-5-20991231")).toBe("claude-sonnet-4-5");
    expect(idOf("gpt-5-mini-2025-08-07")).toBe("gpt-5-mini");
    expect(idOf("gpt-5-2025-08-07")).toBe("gpt-5");
    // Vertex's tag: the family, whichever snapshot it names.
    expect(idOf("claude-sonnet-4-5@20250929")).toBe("claude-sonnet-4-5");
    expect(idOf("claude-sonnet-4-5@20991231")).toBe("claude-sonnet-4-5");
    expect(idOf("claude-sonnet-4-5-latest")).toBe("claude-sonnet-4-5");
  });

  it("lets a dated-only entry answer to its family name, the newest date first; a real id still wins", () => {
    expect(idOf("claude-3-7-sonnet")).toBe("claude-3-7-sonnet-20250219");
    expect(idOf("claude-3-7-sonnet-latest")).toBe("claude-3-7-sonnet-20250219");
    expect(idOf("o1")).toBe("o1-2025-01-01");
    expect(idOf("gpt-4o")).toBe("gpt-4o");
  });

  it("matches nothing on shared letters alone", () => {
    expect(match("gpt-5x")).toBeUndefined();
    expect(match("gpt")).toBeUndefined();
    expect(match("llama3")).toBeUndefined();
    expect(modelMatcher([])("gpt-5")).toBeUndefined();
  });

  it("takes the date off an id", () => {
    expect(undatedModelId("claude-opus-4-1-20250805")).toBe("claude-opus-4-1");
    expect(undatedModelId("claude-opus-4-1@20250805")).toBe("claude-opus-4-1");
    expect(undatedModelId("gpt-4o-2024-11-20")).toBe("gpt-4o");
    expect(undatedModelId("gpt-5.1-codex")).toBe("gpt-5.1-codex");
  });
});
