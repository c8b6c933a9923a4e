export { runFunction, silentLogger } from "./run-function.ts";
