import type { RequestHandler } from "express";

/** Tells browsers and proxies to store nothing of the answer, not even to revalidate it later. */
export const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader("Cache-Control", "no-store");
  next();
};
