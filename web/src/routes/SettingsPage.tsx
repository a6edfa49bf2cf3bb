/** Everything a user manages besides sessions, one section per resource. */
import type { RestClient } from "@maestro/protocol";
import { AgentsPanel } from "../features/agents/AgentsPanel.tsx";
import { CredentialsPanel } from "../features/credentials/CredentialsPanel.tsx";
import { McpPanel } from "../features/mcp/McpPanel.tsx";
import { TemplatesPanel } from "../features/templates/TemplatesPanel.tsx";
import { ToolsPanel } from "../features/tools/ToolsPanel.tsx";
import { UsagePanel } from "../features/usage/UsagePanel.tsx";
import type { SettingsSection } from "../lib/route.ts";

const SECTIONS: readonly { readonly id: SettingsSection; readonly label: string }[] = [
  { id: "credentials", label: "Credentials" },
  { id: "tools", label: "Tools" },
  { id: "mcp", label: "MCP servers" },
  { id: "templates", label: "Templates" },
  { id: "agents", label: "Local agents" },
  { id: "usage", label: "Usage" },
];

export function SettingsPage({ client, section }: { readonly client: RestClient; readonly section: SettingsSection }) {
  return (
    <main>
      <header className="bar">
        <a href="#/" className="back" aria-label="All sessions">
          ←
        </a>
        <h1>Settings</h1>
        <nav className="tabs" aria-label="Settings">
          {SECTIONS.map((each) => (
            <a key={each.id} href={`#/settings/${each.id}`} aria-current={each.id === section ? "page" : undefined}>
              {each.label}
            </a>
          ))}
        </nav>
      </header>
      {section === "credentials" && <CredentialsPanel client={client} />}
      {section === "tools" && <ToolsPanel client={client} />}
      {section === "agents" && <AgentsPanel client={client} />}
      {section === "mcp" && <McpPanel client={client} />}
      {section === "templates" && <TemplatesPanel client={client} />}
      {section === "usage" && <UsagePanel client={client} />}
    </main>
  );
}
