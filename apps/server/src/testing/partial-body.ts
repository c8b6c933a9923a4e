import { request } from "node:http";

/**
 * Announces a body of `announcedBytes`, sends only `firstPart` of it, and waits for the answer's status:
 * a server that answers has decided without reading the rest. Rejects if no answer comes within 5 s.
 */
export function postPartOfBody(
  url: string,
  options: { headers: Record<string, string>; announcedBytes: number; firstPart: Buffer },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: "POST",
      headers: { ...options.headers, "Content-Type": "application/json", "Content-Length": options.announcedBytes },
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error("no answer within 5 s while the body was still unsent"));
    }, 5000);
    req.on("response", (res) => {
      clearTimeout(timer);
      req.destroy();
      resolve(res.statusCode ?? 0);
    });
    // The server may close the connection while this side still writes: the answer is what counts.
    req.on("error", () => {});
    req.write(options.firstPart);
  });
}
