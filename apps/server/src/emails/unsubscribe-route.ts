import type { Db } from "@repo/db/client";
import { unsubscribeByLinkId } from "@repo/db/emails";
import { verifyEmailLink } from "@repo/email/unsubscribe";
import { type Request, type Response, Router } from "express";
import type { Logger } from "pino";

/**
 * The follow-up's unsubscribe link (RFC 8058), signed and reached without signing in:
 * - GET shows what will happen and a button; it changes nothing, because mail scanners and link
 *   previews fetch links nobody clicked.
 * - POST turns product emails off at once: what the button sends, and what a mail client's one-click
 *   "Unsubscribe" sends (`List-Unsubscribe=One-Click`) without opening the page. Doing it twice is
 *   harmless.
 * A tampered, expired or malformed link gets a 400 page and changes nothing.
 *
 * The pages are fixed text: nothing from the request is written into them. The form has no action, so
 * it posts back to the very URL it came from, token included.
 */
export function createUnsubscribeRouter(deps: { db: Db; linkSecret: string; logger: Logger }): Router {
  const router = Router();
  const check = (req: Request, res: Response): boolean => {
    const token = typeof req.query.token === "string" ? req.query.token : "";
    const result = verifyEmailLink(deps.linkSecret, token, { purpose: "unsubscribe-product-emails" });
    if (result.valid) {
      res.locals.recipient = result.claims.recipient;
      return true;
    }
    deps.logger.info({ reason: result.reason }, "refused an unsubscribe link");
    page(res, 400, INVALID_LINK);
    return false;
  };
  router.get("/", (req, res) => {
    if (check(req, res)) page(res, 200, CONFIRM);
  });
  router.post("/", async (req, res) => {
    if (!check(req, res)) return;
    const found = await unsubscribeByLinkId(deps.db, String(res.locals.recipient));
    deps.logger.info({ found }, "product emails turned off through an unsubscribe link");
    page(res, 200, DONE);
  });
  return router;
}

type Page = { title: string; body: string };

const CONFIRM: Page = {
  title: "Unsubscribe from product emails",
  body: `<h1>Unsubscribe from product emails?</h1>
<p>You will no longer get emails such as reminders to finish your profile. Emails about your account itself are not affected.</p>
<form method="post"><button type="submit">Unsubscribe</button></form>`,
};

const DONE: Page = {
  title: "You are unsubscribed",
  body: `<h1>You are unsubscribed</h1>
<p>You will get no more product emails. You can turn them back on from your profile page.</p>`,
};

const INVALID_LINK: Page = {
  title: "This link does not work",
  body: `<h1>This link does not work</h1>
<p>The unsubscribe link is incomplete, altered or expired, so nothing was changed. Use the link in a recent email, or turn product emails off from your profile page.</p>`,
};

function page(res: Response, status: number, content: Page) {
  res
    .status(status)
    .type("html")
    .send(
      `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${content.title}</title></head>
<body>${content.body}</body></html>
`,
    );
}
