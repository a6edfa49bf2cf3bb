/**
 * Sessions in and out of the web UI: download links for a session's export (Markdown to read,
 * JSON to keep or import elsewhere; the browser's cookie authenticates the GET) and an import
 * button that sends a chosen file — a JSON export or an OpenAI-style messages list — and opens
 * the new session.
 */
import { ApiError, type RestClient, type Session, type SessionId, parseJson } from "@maestro/protocol";
import { useRef, useState } from "react";
import { ErrorText } from "../../components/ErrorText.tsx";

export function exportHref(sessionId: SessionId, format: "md" | "json"): string {
  return `/api/v1/sessions/${sessionId}/export?format=${format}`;
}

export function ExportLinks({ sessionId }: { readonly sessionId: SessionId }) {
  return (
    <span className="export-links small">
      Export:{" "}
      <a href={exportHref(sessionId, "md")} download>
        Markdown
      </a>{" "}
      ·{" "}
      <a href={exportHref(sessionId, "json")} download>
        JSON
      </a>
    </span>
  );
}

export interface ImportButtonProps {
  readonly client: RestClient;
  readonly onImported: (session: Session) => void;
  /** Asked when an OpenAI list names no model (window.prompt by default). */
  readonly askModel?: () => string | null;
}

export function ImportButton({
  client,
  onImported,
  askModel = () => window.prompt("The file names no model. Which model should the session use?"),
}: ImportButtonProps) {
  const input = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const importFile = async (file: File) => {
    setError(null);
    const body = parseJson(await file.text());
    if (!body.ok) return setError(`${file.name} is not JSON: choose a session's JSON export or an OpenAI-style messages list.`);
    setBusy(true);
    try {
      onImported(await client.sessions.import(body.value));
    } catch (failure) {
      const needsModel = failure instanceof ApiError && failure.fields.some((field) => field.field === "model");
      const model = needsModel ? askModel()?.trim() : undefined;
      if (model !== undefined && model !== "") {
        try {
          onImported(await client.sessions.import(body.value, { model }));
        } catch (again) {
          setError(again instanceof ApiError ? again.message : "Could not import the file.");
        }
      } else setError(failure instanceof ApiError ? failure.message : "Could not import the file.");
    } finally {
      setBusy(false);
      if (input.current !== null) input.current.value = "";
    }
  };

  return (
    <>
      <label className="button secondary import-button" aria-disabled={busy}>
        {busy ? "Importing…" : "Import"}
        <input
          ref={input}
          type="file"
          accept=".json,application/json"
          aria-label="Import a session from a file"
          hidden
          disabled={busy}
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file !== undefined) void importFile(file);
          }}
        />
      </label>
      <ErrorText message={error} />
    </>
  );
}
