/**
 * The model field of the new-session form and the session settings: suggests the catalog's models
 * for the provider (GET /models) and says what the typed one offers, its window and price. Any id
 * may be typed: an OpenAI-compatible server (vLLM, Ollama, OpenRouter) serves its own.
 */
import { type Model, type ProviderId, modelMatcher } from "@maestro/protocol";
import { useId, useMemo } from "react";
import { NOT_IN_CATALOG, describeModel } from "./describe-model.ts";

export interface ModelPickerProps {
  /** The whole catalog; null while it loads (or when it could not be). */
  readonly models: readonly Model[] | null;
  readonly provider: ProviderId | undefined;
  readonly value: string;
  readonly onChange: (model: string) => void;
  readonly required?: boolean;
}

export function ModelPicker({ models, provider, value, onChange, required = false }: ModelPickerProps) {
  const listId = useId();
  const noteId = useId();
  const offered = useMemo(() => models?.filter((model) => model.provider === provider) ?? [], [models, provider]);
  const match = useMemo(() => modelMatcher(offered), [offered]);
  const typed = value.trim();
  const chosen = typed.length > 0 ? match(typed) : undefined;
  const note = models === null || typed.length === 0 ? null : chosen === undefined ? NOT_IN_CATALOG : describeModel(chosen);
  // The note stays outside the label, so the field's name is just "Model".
  return (
    <div className="model-picker">
      <label>
        Model
        <input
          list={listId}
          value={value}
          onChange={(event) => onChange(event.target.value)}
          required={required}
          aria-describedby={note === null ? undefined : noteId}
        />
      </label>
      <datalist id={listId}>
        {offered.map((model) => (
          <option key={model.id} value={model.id}>
            {`${model.name} · ${describeModel(model)}`}
          </option>
        ))}
      </datalist>
      {note !== null && (
        <span id={noteId} className="muted small" role="note">
          {note}
        </span>
      )}
    </div>
  );
}
