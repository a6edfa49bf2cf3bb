/**
 * Where the tokens and the money went: cost and tokens by day as charts (recharts), and by
 * provider and model as a table, over the last 30 days.
 */
import type { RestClient } from "@maestro/protocol";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { tokens, usd } from "../../lib/format.ts";
import { useLoad } from "../../lib/use-load.ts";

const DAYS = 30;

// Bars grow in by default; someone who asked their system for less motion gets them drawn at once.
const ANIMATE = typeof matchMedia !== "function" || !matchMedia("(prefers-reduced-motion: reduce)").matches;

function since(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

export function UsagePanel({ client }: { readonly client: RestClient }) {
  const [state] = useLoad(async () => {
    const from = since(DAYS);
    const [byDay, byModel] = await Promise.all([
      client.usage({ from, group_by: "day" }),
      client.usage({ from, group_by: "provider,model" }),
    ]);
    return { byDay, byModel };
  });
  if (state.status === "loading") return <p className="muted">Loading…</p>;
  if (state.status === "error")
    return (
      <p role="alert" className="error">
        {state.message}
      </p>
    );
  const { byDay, byModel } = state.value;
  const days = byDay.rows.map((row) => ({
    day: row.day ?? "",
    cost: Number(row.cost_usd.toFixed(4)),
    input: row.input_tokens + row.cache_read_tokens,
    output: row.output_tokens,
  }));
  return (
    <section aria-label="Usage">
      <h2>Usage, last {DAYS} days</h2>
      <p>
        {byDay.totals.messages} answers · {tokens(byDay.totals.input_tokens + byDay.totals.cache_read_tokens)} tokens in ·{" "}
        {tokens(byDay.totals.output_tokens)} out · <strong>{usd(byDay.totals.cost_usd)}</strong>
      </p>
      {days.length === 0 ? (
        <p className="empty">Nothing spent yet.</p>
      ) : (
        <div className="charts">
          <figure aria-label="Cost by day">
            <figcaption>Cost by day (USD)</figcaption>
            <ResponsiveContainer width="100%" height={220}>
              <BarChart data={days}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="day" />
                <YAxis width={70} tickFormatter={usd} />
                <Tooltip formatter={(value) => usd(Number(value))} />
                <Bar dataKey="cost" name="cost (USD)" fill="#3b5bdb" isAnimationActive={ANIMATE} />
              </BarChart>
            </ResponsiveContainer>
          </figure>
          <figure aria-label="Tokens by day">
            <figcaption>Tokens by day</figcaption>
            <ResponsiveContainer width="100%" height={220}>
              <BarChart data={days}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="day" />
                <YAxis />
                <Tooltip />
                <Legend />
                <Bar dataKey="input" name="in" stackId="tokens" fill="#74c0fc" isAnimationActive={ANIMATE} />
                <Bar dataKey="output" name="out" stackId="tokens" fill="#1c7ed6" isAnimationActive={ANIMATE} />
              </BarChart>
            </ResponsiveContainer>
          </figure>
        </div>
      )}
      {byModel.rows.length > 0 && (
        <figure aria-label="Cost by provider and model">
          <figcaption>Cost by provider and model (USD)</figcaption>
          <ResponsiveContainer width="100%" height={Math.max(120, byModel.rows.length * 40)}>
            <BarChart
              data={byModel.rows.map((row) => ({
                name: `${row.provider ?? ""} · ${row.model ?? ""}`,
                cost: Number(row.cost_usd.toFixed(4)),
              }))}
              layout="vertical"
            >
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis type="number" tickFormatter={usd} />
              <YAxis type="category" dataKey="name" width={220} />
              <Tooltip formatter={(value) => usd(Number(value))} />
              <Bar dataKey="cost" name="cost (USD)" fill="#7048e8" isAnimationActive={ANIMATE} />
            </BarChart>
          </ResponsiveContainer>
        </figure>
      )}
      {byModel.rows.length > 0 && (
        <table className="grid" aria-label="By provider and model">
          <thead>
            <tr>
              <th>Provider</th>
              <th>Model</th>
              <th className="number">Answers</th>
              <th className="number">Tokens in</th>
              <th className="number">Tokens out</th>
              <th className="number">Cost</th>
            </tr>
          </thead>
          <tbody>
            {byModel.rows.map((row) => (
              <tr key={`${row.provider}/${row.model}`}>
                <td>{row.provider}</td>
                <td>{row.model}</td>
                <td className="number">{row.messages}</td>
                <td className="number">{tokens(row.input_tokens + row.cache_read_tokens)}</td>
                <td className="number">{tokens(row.output_tokens)}</td>
                <td className="number">{usd(row.cost_usd)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
