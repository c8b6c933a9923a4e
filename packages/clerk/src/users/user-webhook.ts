import type { ClerkUserJson } from "./clerk-user.ts";

/**
 * The part of a Clerk user that is forwarded to Inngest: exactly what userSyncRowFromClerk reads (id,
 * primary_email_address_id and that one address as { id, email_address }, username, first_name,
 * last_name, image_url, public_metadata, created_at, updated_at, last_sign_in_at). Inngest keeps every
 * event it receives, so everything else Clerk sends stays out of its event store: private and unsafe
 * metadata, phone numbers, the other email addresses, external, SAML and enterprise accounts, web3
 * wallets, passkeys, and whatever Clerk adds next. A field the sync starts reading must be added here.
 * The result is still a valid Clerk user, so the same functions handle it and Clerk's whole object.
 */
export function reduceClerkUser(user: ClerkUserJson): ClerkUserJson {
  const primary = user.email_addresses.find((address) => address.id === user.primary_email_address_id);
  return {
    id: user.id,
    primary_email_address_id: primary ? primary.id : null,
    email_addresses: primary ? [{ id: primary.id, email_address: primary.email_address }] : [],
    username: user.username ?? null,
    first_name: user.first_name ?? null,
    last_name: user.last_name ?? null,
    image_url: user.image_url ?? null,
    public_metadata: user.public_metadata ?? null,
    created_at: user.created_at,
    updated_at: user.updated_at,
    last_sign_in_at: user.last_sign_in_at ?? null,
  };
}
