// Preloaded into the production server by the soak benchmark only:
//   node --expose-gc --import bench/soak-probe.mjs dist/main.js
// It answers the bench's IPC messages with the process's memory and CPU time, after a full garbage
// collection when asked, so the bench can tell memory the server still holds from garbage not yet
// collected. The app itself stays the unchanged production build: no debug endpoint, nothing on HTTP.

/** @param {{ type?: unknown, gc?: unknown }} message */
async function answer(message) {
  if (message?.type !== "soak-probe") return;
  if (message.gc) {
    if (typeof globalThis.gc !== "function") {
      process.send?.({ type: "soak-probe", error: "global.gc is missing: start node with --expose-gc" });
      return;
    }
    // Twice, a turn apart: the first collection runs finalizers that can free more on the second.
    globalThis.gc();
    await new Promise((resolve) => setImmediate(resolve));
    globalThis.gc();
    // V8 hands the freed pages back to the OS on a background thread just after a collection: read at
    // once, RSS still counts 50 to 100 MiB of them; a quarter of a second later they are gone.
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  process.send?.({ type: "soak-probe", memory: process.memoryUsage(), cpu: process.cpuUsage() });
}

process.on("message", answer);
// Listening on the IPC channel must not keep the server alive once it has shut down.
process.channel?.unref();
