import superjson from "superjson";

export type TrpcResponse<T = unknown> = {
  status: number;
  data: T | undefined;
  error:
    | {
        message: string;
        data: { code: string; httpStatus: number; fieldErrors?: Record<string, string[]>; reason?: string };
      }
    | undefined;
};

/** Calls a tRPC procedure over plain HTTP, as the browser's httpLink does, and decodes the superjson reply. */
export async function callTrpc<T = unknown>(
  baseUrl: string,
  path: string,
  options: {
    token?: string;
    input?: unknown;
    /** A mutation's body as given, instead of the serialised input: for malformed or oversized bodies. */
    rawBody?: string;
    type?: "query" | "mutation";
    headers?: Record<string, string>;
    /** Gives up on the answer, e.g. AbortSignal.timeout(ms) for a server that may not answer at all. */
    signal?: AbortSignal;
  } = {},
): Promise<TrpcResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
  const url = new URL(`/api/trpc/${path}`, baseUrl);
  let init: RequestInit = { method: "GET", headers, signal: options.signal ?? null };
  if (options.type === "mutation") {
    headers["Content-Type"] = "application/json";
    init = { ...init, method: "POST", body: options.rawBody ?? JSON.stringify(superjson.serialize(options.input)) };
  } else if (options.input !== undefined) {
    url.searchParams.set("input", JSON.stringify(superjson.serialize(options.input)));
  }
  const response = await fetch(url, init);
  const body = (await response.json()) as { result?: { data: unknown }; error?: { json: unknown; meta?: unknown } };
  return {
    status: response.status,
    data: body.result
      ? superjson.deserialize(body.result.data as Parameters<typeof superjson.deserialize>[0])
      : undefined,
    error: body.error
      ? (superjson.deserialize(body.error as Parameters<typeof superjson.deserialize>[0]) as TrpcResponse["error"])
      : undefined,
  };
}
