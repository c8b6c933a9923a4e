import type { Plugin } from "vite";

export function clerkLocal(): Plugin;
