/**
 * The attach view's branch commands, on the latest turn: `/edit <text>` sends new text in place
 * of the last message you sent; `/regenerate [<provider> <model>]` answers it again (with another
 * model for that answer); `/branch prev|next` steps through the alternatives of the newest message
 * that has any; `/fork` copies the conversation so far into a new session. Every client follows.
 */
import { ApiError, type Message, ProviderIdSchema, type RestClient, type SessionSocketClient, type Transcript } from "@maestro/protocol";

export interface BranchContext {
  readonly transcript: Transcript;
  readonly send: SessionSocketClient["send"];
  readonly client: RestClient;
}

/** What to say now, and (for a fork) what to say once it is done. */
export interface BranchOutcome {
  readonly notice: string;
  readonly later?: Promise<string>;
}

const lastOf = (messages: readonly Message[], test: (message: Message) => boolean) => messages.findLast(test);

/** The latest turn's first answer: what /regenerate answers again. */
function latestAnswer(messages: readonly Message[]): Message | undefined {
  const asked = lastOf(messages, (message) => message.role === "user");
  return messages.find((message) => message.role === "assistant" && asked !== undefined && message.parent_id === asked.id);
}

export function branchCommand(command: string, argument: string, { transcript, send, client }: BranchContext): BranchOutcome | undefined {
  const session = transcript.session;
  const messages = transcript.messages;
  const sent = (ok: boolean, notice: string): BranchOutcome => ({ notice: ok ? notice : "not connected" });
  const idle = transcript.turn === null;
  switch (command) {
    case "edit": {
      const mine = lastOf(messages, (message) => message.role === "user");
      if (mine === undefined) return { notice: "nothing to edit yet" };
      if (argument.length === 0) return { notice: "usage: /edit <new text> (replaces the last message you sent)" };
      if (!idle) return { notice: "a turn is running: /edit when it has ended" };
      return sent(send({ type: "edit", message_id: mine.id, text: argument }), "sent as a new branch");
    }
    case "regenerate": {
      const answer = latestAnswer(messages);
      if (answer === undefined) return { notice: "no answer to regenerate yet" };
      if (!idle) return { notice: "a turn is running: /regenerate when it has ended" };
      const [providerName, model] = argument.split(/\s+/).filter(Boolean);
      if (providerName === undefined) return sent(send({ type: "regenerate", message_id: answer.id }), "regenerating…");
      const provider = ProviderIdSchema.safeParse(providerName);
      if (!provider.success || model === undefined)
        return { notice: "usage: /regenerate [<provider> <model>], e.g. /regenerate openai gpt-4.1" };
      return sent(
        send({ type: "regenerate", message_id: answer.id, provider: provider.data, model }),
        `regenerating with ${provider.data}/${model}…`,
      );
    }
    case "branch": {
      const step = argument === "prev" ? -1 : argument === "next" ? 1 : 0;
      if (step === 0) return { notice: "usage: /branch prev|next" };
      const branched = lastOf(messages, (message) => message.siblings !== undefined);
      const siblings = branched?.siblings;
      if (branched === undefined || siblings === undefined) return { notice: "no other branches here" };
      const target = siblings[siblings.indexOf(branched.id) + step];
      if (target === undefined) return { notice: step < 0 ? "this is the first branch" : "this is the last branch" };
      if (!idle) return { notice: "a turn is running: /branch when it has ended" };
      return sent(
        send({ type: "switch_branch", message_id: target }),
        `switching to branch ${siblings.indexOf(target) + 1}/${siblings.length}…`,
      );
    }
    case "fork": {
      const last = messages.at(-1);
      if (session === null || last === undefined) return { notice: "nothing to fork yet" };
      const title = argument.length > 0 ? argument : undefined;
      return {
        notice: "forking…",
        later: client.sessions.fork(session.id, { message_id: last.id, ...(title !== undefined && { title }) }).then(
          (fork) => `forked into “${fork.title}”: maestro attach ${fork.id}`,
          (error: unknown) => `could not fork: ${error instanceof ApiError ? error.message : String(error)}`,
        ),
      };
    }
    default:
      return undefined;
  }
}
