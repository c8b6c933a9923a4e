export { type ClerkEvent, runFunction, silentLogger } from "./run-function.ts";
