/**
 * Model output as markdown for a terminal (marked + marked-terminal): bold, lists, headings and
 * highlighted code blocks, as ANSI text Ink can print. Incomplete markdown mid-stream is fine: it
 * is rendered again with every delta.
 */
import { Marked } from "marked";
import { markedTerminal } from "marked-terminal";

const marked = new Marked(markedTerminal({ reflowText: false, tab: 2 }));

export function renderMarkdown(text: string): string {
  return marked.parse(text, { async: false }).trimEnd();
}
