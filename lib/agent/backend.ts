/**
 * TensorFlow.js on its WebAssembly backend, single-threaded (deterministic and one core), with
 * the .wasm binaries read from the installed npm package, offline.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { setThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";

let ready: Promise<void> | undefined;

/** Initialises the wasm backend, once; call before any tensor work. Needs --allow-read. */
export function initTensorflow(): Promise<void> {
  return ready ??= (async () => {
    const entry = import.meta.resolve("@tensorflow/tfjs-backend-wasm");
    setWasmPaths(new URL("./", entry).href);
    setThreadsCount(1);
    if (!(await tf.setBackend("wasm"))) {
      throw new Error("TensorFlow.js could not start its wasm backend");
    }
    await tf.ready();
  })();
}
