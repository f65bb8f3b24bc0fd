/**
 * The learned allocator: the seed's scorer and a critic in TensorFlow.js (wasm), the
 * Float32Array acting path, PPO, checkpoints, and the training loop.
 *
 * @module
 */
export { initTensorflow } from "./backend.ts";
export { attentionSchema, loadTrainConfig, parseTrainConfig, trainConfigSchema } from "./config.ts";
export type { TrainConfig } from "./config.ts";
export { orthogonal } from "./init.ts";
export {
  AgentNetworks,
  criticInputs,
  criticInputSize,
  initialParameters,
  parameterLayout,
  scorerInputSize,
  taskInputSize,
} from "./networks.ts";
export type { AgentShape, DecisionBatch, ParameterSpec, ParameterValues } from "./networks.ts";
export { FastScorer, logSoftmaxInPlace, makeScorer } from "./fast_scorer.ts";
export type { Scorer } from "./fast_scorer.ts";
export { FastAttention } from "./fast_attention.ts";
export { AttentionForward, attentionLayout } from "./attention.ts";
export type { AttentionShape } from "./attention.ts";
export {
  CONTEXT_SIZE,
  NODE_SPEC_SIZE,
  nodeSpecFeatures,
  nodeTokenSize,
  writeContext,
  writeNodeTokens,
} from "./tokens.ts";
export { LearnedPolicy } from "./learned_policy.ts";
export type { ActionMode } from "./learned_policy.ts";
export { collectRollout } from "./rollout.ts";
export type { Actor, RewardOptions, Rollout } from "./rollout.ts";
export {
  clippedStep,
  gather,
  generalisedAdvantages,
  normalise,
  ppoEpochs,
  ppoLoss,
  ppoUpdate,
  rolloutValues,
  selectRows,
} from "./ppo.ts";
export { Adam, FlatAdam } from "./adam.ts";
export type { AdamOptions, AdamState } from "./adam.ts";
export type {
  LossInputs,
  LossTerms,
  Minibatch,
  MinibatchReport,
  UpdateDiagnostics,
} from "./ppo.ts";
export { flatLayout, tanh } from "./flat.ts";
export type { FlatLayout } from "./flat.ts";
export { MlpGradient, sparseInputs } from "./mlp_gradient.ts";
export type { SparseInputs } from "./mlp_gradient.ts";
export { PpoLossGradient } from "./ppo_gradient.ts";
export type {
  DecisionTargets,
  FlatGradient,
  LossReport,
  MinibatchTargets,
} from "./ppo_gradient.ts";
export { ArrayLearner, arrayLearner, TfjsLearner, tfjsLearner } from "./learner.ts";
export { AttentionGradient } from "./attention_gradient.ts";
export type { AttentionInputs } from "./attention_gradient.ts";
export type { Learner, LearnerFactory } from "./learner.ts";
export {
  CHECKPOINT_FORMAT,
  checkpointFolder,
  loadCheckpoint,
  saveCheckpoint,
} from "./checkpoint.ts";
export {
  knotHeadLayout,
  knotSuffix,
  knotWeights,
  PREFERENCE_KNOTS,
  preferenceSize,
  widenForPreference,
  writePreference,
} from "./preference.ts";
export type { Checkpoint } from "./checkpoint.ts";
export {
  agentShape,
  CURVE_COLUMNS,
  IMITATION_COLUMNS,
  liveTensors,
  meanMakespan,
  Trainer,
} from "./train.ts";
export type { CurveRow, ImitationRow } from "./train.ts";
export { BestHeuristicTeacher, imitationUpdate, teacherActor, teacherSlot } from "./imitation.ts";
export type { ImitationDiagnostics } from "./imitation.ts";
export {
  assertRunsOn,
  evaluateLearned,
  loadLearnedPolicy,
  loadSeedPolicies,
  readLearningCurve,
  trainRun,
  trainSeeds,
} from "./run.ts";
export type { TrainRunOptions, TrainRunResult } from "./run.ts";
export {
  compareFineTunings,
  fineTune,
  kindShares,
  leaveOneKindOut,
  maxMinMakespan,
  PLAIN_FINE_TUNING,
  pretrainConfig,
  updatesToWithin,
  zeroShotRatios,
} from "./adapt.ts";
export type {
  AdaptationCurve,
  AdaptationRun,
  CurveOptions,
  FineTuning,
  LeaveOneKindOutOptions,
  LeaveOneKindOutResult,
  ScratchRun,
  ZeroShot,
} from "./adapt.ts";
export { trainEnergyFront } from "./energy.ts";
export type { EnergyFrontTraining } from "./energy.ts";
