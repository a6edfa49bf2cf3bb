/**
 * Model output as markdown: GitHub-flavoured (tables, lists, strikethrough), code blocks
 * highlighted. react-markdown builds React elements and never injects raw HTML, so a model
 * cannot put script into the page.
 */
import ReactMarkdown from "react-markdown";
import rehypeHighlight from "rehype-highlight";
import remarkGfm from "remark-gfm";

export function Markdown({ text }: { readonly text: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown remarkPlugins={[remarkGfm]} rehypePlugins={[rehypeHighlight]}>
        {text}
      </ReactMarkdown>
    </div>
  );
}
