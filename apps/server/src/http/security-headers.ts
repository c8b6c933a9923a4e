import { parsePublishableKey } from "@clerk/shared/keys";
import helmet from "helmet";

/**
 * helmet's defaults, with a Content-Security-Policy that lets the served web app load Clerk: its
 * browser SDK comes from the instance's Frontend API host (named inside the publishable key), avatars
 * from img.clerk.com, and bot protection from Cloudflare Turnstile.
 */
export function securityHeaders(publishableKey: string | undefined) {
  const frontendApi = parsePublishableKey(publishableKey)?.frontendApi;
  const clerkHosts = frontendApi ? [`https://${frontendApi}`] : [];
  return helmet({
    contentSecurityPolicy: {
      directives: {
        "script-src": ["'self'", ...clerkHosts, "https://challenges.cloudflare.com"],
        "connect-src": ["'self'", ...clerkHosts],
        "img-src": ["'self'", "data:", "https://img.clerk.com"],
        "worker-src": ["'self'", "blob:"],
        "frame-src": ["'self'", "https://challenges.cloudflare.com"],
        "style-src": ["'self'", "'unsafe-inline'"],
      },
    },
  });
}
