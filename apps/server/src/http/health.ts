import type { Db } from "@repo/db/client";
import type { RequestHandler } from "express";
import { sql } from "kysely";

/** 200 when the database answers, 503 when it does not: what a load balancer needs to route around us. */
export function healthHandler(db: Db): RequestHandler {
  return async (_req, res) => {
    try {
      await sql`select 1`.execute(db);
      res.status(200).json({ status: "ok", database: "up" });
    } catch {
      res.status(503).json({ status: "unavailable", database: "down" });
    }
  };
}
