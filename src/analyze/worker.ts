// A worker thread of analyze/threads.ts: analyses one group of services and sends its part back, in the stored form.
import { parentPort, workerData } from "node:worker_threads";
import { serializeAnalysis } from "../cache/serialize.js";
import { analyze } from "./index.js";
import type { ThreadData, ThreadResult } from "./threads.js";

const { config, files, steering, services } = workerData as ThreadData;
const analysis = await analyze(config, { files, steering, services, concurrency: "off" });
const result: ThreadResult = { analysis: serializeAnalysis(analysis), read: [...(analysis.read ?? [])] };
parentPort?.postMessage(result);
