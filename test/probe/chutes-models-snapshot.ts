/**
 * A trimmed copy of a real `GET https://llm.chutes.ai/v1/models` answer: five of the thirteen
 * entries of `data/chutes-models.json` in the public repository Veightor/chutes-agent-toolkit
 * (commit 056df0bab1c57d8380baa988ec1c884677119cdf; the file says "fetched_at":
 * "2026-07-22T11:20:26Z", "source": "https://llm.chutes.ai/v1/models"). Entries are copied as
 * they are (only the "price" object in tao/usd, which duplicates "pricing", is left out).
 * Note what the real listing does: every id ends in -TEE; twelve entries list
 * "supported_features" (json_mode, tools, structured_outputs, reasoning, in varying order) and
 * one, unsloth/Mistral-Nemo-Instruct-2407-TEE, has no "supported_features" field at all (nor
 * context_length or max_output_length): the probe reads that as "no tools".
 */
const SAMPLING = ["temperature", "top_p", "top_k", "repetition_penalty", "frequency_penalty", "presence_penalty", "stop", "seed"];

export const CHUTES_MODELS_2026 = {
  object: "list",
  data: [
    {
      chute_id: "ac059e33-eb27-541c-b9a9-24b214036475",
      confidential_compute: true,
      context_length: 40960,
      created: 1784718720,
      id: "Qwen/Qwen3-32B-TEE",
      input_modalities: ["text"],
      max_model_len: 40960,
      max_output_length: 40960,
      object: "model",
      output_modalities: ["text"],
      owned_by: "sglang",
      parent: null,
      pricing: { completion: 0.416, input_cache_read: 0.052, prompt: 0.104 },
      quantization: "fp8",
      root: "Qwen/Qwen3-32B-FP8",
      supported_features: ["json_mode", "tools", "structured_outputs", "reasoning"],
      supported_sampling_parameters: SAMPLING,
    },
    {
      chute_id: "398651e1-5f85-5e50-a513-7c5324e8e839",
      confidential_compute: true,
      context_length: 131072,
      created: 1784718720,
      id: "deepseek-ai/DeepSeek-V3.2-TEE",
      input_modalities: ["text"],
      max_model_len: 131072,
      max_output_length: 65536,
      object: "model",
      output_modalities: ["text"],
      owned_by: "sglang",
      parent: null,
      pricing: { completion: 1.0, input_cache_read: 0.5, prompt: 1.0 },
      quantization: "fp8",
      root: "deepseek-ai/DeepSeek-V3.2",
      supported_features: ["json_mode", "tools", "reasoning", "structured_outputs"],
      supported_sampling_parameters: SAMPLING,
    },
    {
      chute_id: "aac09863-35b4-5d9b-9b67-6e6a9d54273a",
      confidential_compute: true,
      context_length: 262144,
      created: 1784718719,
      id: "moonshotai/Kimi-K2.6-TEE",
      input_modalities: ["text", "image", "video"],
      max_model_len: 262144,
      max_output_length: 65535,
      object: "model",
      output_modalities: ["text"],
      owned_by: "vllm",
      parent: null,
      permission: [
        {
          allow_create_engine: false,
          allow_fine_tuning: false,
          allow_logprobs: true,
          allow_sampling: true,
          allow_search_indices: false,
          allow_view: true,
          created: 1784718719,
          group: null,
          id: "modelperm-99ff1b15ebec3970",
          is_blocking: false,
          object: "model_permission",
          organization: "*",
        },
      ],
      pricing: { completion: 3.5, input_cache_read: 0.33, prompt: 0.66 },
      quantization: "int4",
      root: "moonshotai/Kimi-K2.6",
      supported_features: ["json_mode", "structured_outputs", "tools", "reasoning"],
      supported_sampling_parameters: SAMPLING,
    },
    {
      chute_id: "21d129e5-8426-5c29-a6be-844e0f5f5e30",
      confidential_compute: true,
      context_length: 262144,
      created: 1784718719,
      id: "Qwen/Qwen3-235B-A22B-Thinking-2507-TEE",
      input_modalities: ["text"],
      max_model_len: 262144,
      max_output_length: 262144,
      object: "model",
      output_modalities: ["text"],
      owned_by: "vllm",
      parent: null,
      pricing: { completion: 1.1957, input_cache_read: 0.14945, prompt: 0.2989 },
      quantization: "bf16",
      root: "Qwen/Qwen3-235B-A22B-Thinking-2507",
      supported_features: ["json_mode", "structured_outputs", "tools", "reasoning"],
      supported_sampling_parameters: SAMPLING,
    },
    {
      chute_id: "7725a31d-28df-5bb7-9d29-c23b49df5472",
      confidential_compute: true,
      created: 1784718720,
      id: "unsloth/Mistral-Nemo-Instruct-2407-TEE",
      max_model_len: 131072,
      object: "model",
      owned_by: "sglang",
      parent: null,
      pricing: { completion: 0.0978, input_cache_read: 0.01225, prompt: 0.0245 },
      root: "unsloth/Mistral-Nemo-Instruct-2407",
    },
  ],
} as const;

/** A listed model with tools (the probe tests' default model). */
export const TOOLS_MODEL = "deepseek-ai/DeepSeek-V3.2-TEE";
/** The real entry listed without supported_features. */
export const NO_FEATURES_MODEL = "unsloth/Mistral-Nemo-Instruct-2407-TEE";
/** A real reasoning ("Thinking") model. */
export const THINKING_MODEL = "Qwen/Qwen3-235B-A22B-Thinking-2507-TEE";
