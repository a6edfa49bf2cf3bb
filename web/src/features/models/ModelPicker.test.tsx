// Proves: the model picker suggests only the chosen provider's catalog models, says the window,
// output limit and price of the one typed (a dated variant included), says a codex model comes
// with the subscription, and still takes an id the catalog does not know, saying so.
import type { Model } from "@maestro/protocol";
import { SAMPLE_MODEL } from "@maestro/protocol/testing";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { ModelPicker } from "./ModelPicker.tsx";

afterEach(cleanup);

const MODELS: Model[] = [
  SAMPLE_MODEL,
  {
    ...SAMPLE_MODEL,
    provider: "openai",
    id: "gpt-4.1",
    name: "GPT-4.1",
    context_window: 1_047_576,
    max_output_tokens: 32_768,
    prices: { input: 2, output: 8, cache_read: 0.5, cache_write: 0 },
  },
  {
    ...SAMPLE_MODEL,
    provider: "codex",
    id: "gpt-5-codex",
    name: "GPT-5-Codex",
    context_window: 400_000,
    max_output_tokens: 128_000,
    prices: { input: null, output: null, cache_read: null, cache_write: null },
    billing: "subscription",
  },
];

function Picker({ provider, initial }: { readonly provider: Model["provider"]; readonly initial: string }) {
  const [value, setValue] = useState(initial);
  return <ModelPicker models={MODELS} provider={provider} value={value} onChange={setValue} />;
}

const suggestions = () => [...document.querySelectorAll("datalist option")].map((option) => option.getAttribute("value"));

describe("ModelPicker", () => {
  it("suggests the provider's models and describes the chosen one", () => {
    render(<Picker provider="anthropic" initial="claude-sonnet-4-5" />);
    expect(suggestions()).toEqual(["claude-sonnet-4-5"]);
    expect(screen.getByRole("note").textContent).toBe("200k context · 64k out · $3 in / $15 out per M (cache read $0.3, write $6)");
  });

  it("describes a dated variant as its family, and an unknown id as free text", () => {
    render(<Picker provider="anthropic" initial="claude-sonnet-4-5" />);
    const input = screen.getByRole("combobox", { name: "Model" });
    fireEvent.change(input, { target: { value: "claude-sonnet-4-5-20991231" } });
    expect(screen.getByRole("note").textContent).toContain("200k context");
    fireEvent.change(input, { target: { value: "qwen2.5-coder:32b" } });
    expect((input as HTMLInputElement).value).toBe("qwen2.5-coder:32b");
    expect(screen.getByRole("note").textContent).toMatch(/Not in the catalog/);
  });

  it("says a codex model comes with the ChatGPT subscription", () => {
    render(<Picker provider="codex" initial="gpt-5-codex" />);
    expect(suggestions()).toEqual(["gpt-5-codex"]);
    expect(screen.getByRole("note").textContent).toBe("400k context · 128k out · included in the ChatGPT subscription");
  });
});
