/** The model catalog, loaded once per screen; null until it has loaded (the pickers then take free text only). */
import type { Model, RestClient } from "@maestro/protocol";
import { useLoad } from "../../lib/use-load.ts";

export function useModels(client: RestClient): readonly Model[] | null {
  const [loaded] = useLoad(() => client.models.list());
  return loaded.status === "ready" ? loaded.value.data : null;
}
