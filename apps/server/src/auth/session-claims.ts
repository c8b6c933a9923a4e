import { clerkOrganizationId, clerkSessionId, clerkUserId } from "@repo/clerk/ids";
import { z } from "zod";

/**
 * The claims of a Clerk session token as far as Clerk's SDK reads them into the auth object (see
 * `JwtPayload`, `ActClaim` and `__experimental_JWTPayloadToAuthObjectProperties` in @clerk/shared), held
 * to the shapes Clerk mints.
 *
 * Clerk's verification checks the signature, `exp`/`nbf` and `azp`, never the claims' types, and its SDK
 * passes them on as they are. So a signed token with `o.id: ["org_B"]` became an organization id Kysely
 * turned into a list, `o.id: "org_B?x="` a Backend API URL with a query string, `o.rol: ["admin"]` the
 * role `org:admin` (a template literal joins the array), and `act: {}` an impersonation without anyone
 * acting. Clerk mints none of these, but a key used for a custom JWT template, or a compromised one,
 * could: a token that is not Clerk's shape is treated as no session at all.
 *
 * Both versions of the organization claims are checked, whichever `v` says: v2's `o` and v1's `org_*`.
 * Unknown claims pass through untouched, so Clerk adding one never signs everybody out.
 */
const organizationClaim = z.looseObject({
  id: clerkOrganizationId,
  rol: z.string().optional(),
  slg: z.string().optional(),
  per: z.string().optional(),
  fpm: z.string().optional(),
});

/** Impersonation: `sub` is the user acting (Clerk's dashboard puts its own `iss` and `sid` beside it). */
const actorClaim = z.looseObject({ sub: clerkUserId });

export const clerkSessionClaimsSchema = z.looseObject({
  sub: clerkUserId,
  sid: clerkSessionId,
  act: actorClaim.optional(),
  // v2: the active organization, and the features and plans Clerk's `has()` reads.
  o: organizationClaim.optional(),
  fea: z.string().optional(),
  pla: z.string().optional(),
  // v1.
  org_id: clerkOrganizationId.optional(),
  org_role: z.string().optional(),
  org_slug: z.string().optional(),
  org_permissions: z.array(z.string()).optional(),
});
