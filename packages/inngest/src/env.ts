import { readDbEnv } from "@repo/db/env";
import { z } from "zod";

const backfillEnvSchema = z.object({
  CLERK_SECRET_KEY: z
    .string({ message: "is not set: copy it from the Clerk dashboard (API keys) into .env" })
    .regex(/^sk_(test|live)_/, "must start with sk_test_ or sk_live_: copy it from the Clerk dashboard (API keys)"),
  CLERK_API_URL: z
    .string()
    .trim()
    .transform((value) => value || undefined)
    .pipe(z.url().optional())
    .optional(),
});

/** Settings of `pnpm users:backfill`, validated where they enter; values are never echoed. */
export function readBackfillEnv(env: NodeJS.ProcessEnv) {
  const result = backfillEnvSchema.safeParse(env);
  if (!result.success) {
    throw new Error(result.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`).join("\n"));
  }
  return { ...readDbEnv(env), clerkSecretKey: result.data.CLERK_SECRET_KEY, clerkApiUrl: result.data.CLERK_API_URL };
}
