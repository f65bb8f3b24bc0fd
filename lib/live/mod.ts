/**
 * The live cluster over Redis Streams: node agents that run real workloads, a coordinator
 * that schedules them with any `Policy`, the protocol between them, submission, status and a
 * local cluster of emulated nodes. The experiments run on it (live runs, load tests, the
 * comparison with the simulator) live in `lib/experiment/live`.
 *
 * Two modules are imported directly, not from here, because they load heavy dependencies
 * that agents do not need: `policy.ts` (a baseline or a PPO checkpoint with its view, and the
 * coordinator's options) and `dashboard.ts` (the web page, plotly).
 *
 * @module
 */
export { NodeAgent } from "./agent.ts";
export type { AgentOptions, AgentSummary } from "./agent.ts";
export { Coordinator } from "./coordinator.ts";
export type { CoordinatorOptions, CoordinatorStats } from "./coordinator.ts";
export {
  AGENT_GROUP,
  COORDINATOR_GROUP,
  LiveKeys,
  liveTaskSchema,
  parseLiveTask,
} from "./protocol.ts";
export type { LiveResult, LiveTask, Registration } from "./protocol.ts";
export { connectRedis, freePort, maskUrl, redisServerArgs, startRedisServer } from "./redis.ts";
export type { Redis, RedisServer, RedisServerOptions } from "./redis.ts";
export { pollUntil } from "./poll.ts";
export type { PollOptions } from "./poll.ts";
export { LiveState } from "./state.ts";
export type { Choice, LiveStateOptions, Placement } from "./state.ts";
export { energyLine, formatStatus, liveEnergy, readStatus } from "./status.ts";
export type { ClusterStatus, GanttBar, LiveEnergy, NodeStatus } from "./status.ts";
export {
  liveWorkloadSchema,
  loadLiveWorkload,
  shortWorkload,
  submitTasks,
  waitForResults,
} from "./workload.ts";
export type { LiveWorkload, ShortWorkloadOptions } from "./workload.ts";
export { agentCommand, LocalCluster } from "./local.ts";
export type { LocalClusterOptions } from "./local.ts";
