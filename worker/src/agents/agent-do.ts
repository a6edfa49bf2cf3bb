/**
 * AgentDO: one Durable Object per local agent, the far end of the tunnel (DESIGN §4). The class
 * is bound and migrated now so deployments are stable; the tunnel itself arrives with the local
 * agent (issue 4). Until then it refuses connections with a clear error rather than pretending.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env.ts";
import { AppError, toErrorBody } from "../errors.ts";

export class AgentDO extends DurableObject<Env> {
  override async fetch(_request: Request): Promise<Response> {
    const error = new AppError("SERVICE_UNAVAILABLE", "The local-agent tunnel is not available in this version.");
    return Response.json(toErrorBody(error), { status: error.status });
  }
}
