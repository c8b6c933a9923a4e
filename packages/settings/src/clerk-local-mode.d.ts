export function wantsClerkLocal(env: Record<string, string | undefined>): boolean;
export const DEFAULT_CLERK_LOCAL_PORT: number;
