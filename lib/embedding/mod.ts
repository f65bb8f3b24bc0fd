/**
 * Named task embeddings (seed 5-d, log-scaled, resource profile, none) and their registry.
 *
 * @module
 */
export {
  embedding,
  embeddingNames,
  LOG_EMBEDDING,
  NONE_EMBEDDING,
  PROFILE_EMBEDDING,
  registerEmbedding,
  SEED_EMBEDDING,
} from "./embeddings.ts";
export type { Embedding } from "./embeddings.ts";
