"""A corpus of config mistakes a user makes, each with the field the checks must name.

Each entry is (name, recipe, overrides, field): the recipe composed with the overrides must give
at least one problem naming `field`, found by `sqlrl.cli.checks` before anything loads. GPU
entries are checked as on a machine without a GPU. tests/test_reliability_config.py runs them
all; benchmarks/reliability.py reports how many were caught.
"""

from __future__ import annotations


def uninstalled_integration() -> str | None:
    """A logging integration transformers knows but this machine lacks (wandb where it is missing)."""
    from transformers.integrations import get_available_reporting_integrations
    from transformers.integrations.integration_utils import INTEGRATION_TO_CALLBACK

    installed = set(get_available_reporting_integrations())
    missing = [n for n in ("wandb", "trackio", "mlflow", "neptune", *INTEGRATION_TO_CALLBACK) if n not in installed]
    return missing[0] if missing else None


MISTAKES = [
    # Seen by users: accepted before, failing after the model loaded (or never).
    ("comparison mode typo", "demo", ["reward.mode=fuzzy"], "reward.mode"),
    ("unknown loss", "demo", ["training.loss_type=foo"], "training.loss_type"),
    ("learning rate not a number", "demo", ["training.learning_rate=abc"], "training.learning_rate"),
    ("LoRA rank not a number", "demo", ["model.lora_r=abc"], "model.lora_r"),
    ("dataset typo", "demo", ["data.dataset=spyder"], "data.dataset"),
    ("split the dataset lacks", "demo", ["data.dataset=spider", "data.split=test"], "data.split"),
    ("group size in words", "demo", ["training.num_generations=four"], "training.num_generations"),
    ("bf16 without a GPU", "demo", ["training.bf16=true"], "training.bf16"),
    ("vLLM without a GPU", "demo", ["training.use_vllm=true"], "training.use_vllm"),
    ("QLoRA without a GPU", "demo", ["model.load_in_4bit=true"], "model.load_in_4bit"),
    # TRL settings: types and the values TRL accepts.
    ("scheduler typo", "demo", ["training.lr_scheduler_type=cosin"], "training.lr_scheduler_type"),
    ("reward scaling typo", "demo", ["training.scale_rewards=grop"], "training.scale_rewards"),
    ("importance sampling level", "demo", ["training.importance_sampling_level=seq"],
     "training.importance_sampling_level"),
    ("vLLM mode typo", "demo", ["training.vllm_mode=colo"], "training.vllm_mode"),
    ("vLLM IS mode", "demo", ["training.vllm_importance_sampling_mode=mask"],
     "training.vllm_importance_sampling_mode"),
    ("SFT loss", "demo_sft", ["training.loss_type=dapo"], "training.loss_type"),
    ("save strategy", "demo", ["training.save_strategy=often"], "training.save_strategy"),
    ("log level", "demo", ["training.log_level=verbose"], "training.log_level"),
    ("optimizer typo", "demo", ["training.optim=adamw"], "training.optim"),
    ("8-bit optimizer without a GPU", "demo", ["training.optim=adamw_8bit"], "training.optim"),
    ("DeepSpeed without a GPU", "demo", ["training.deepspeed=ds.json"], "training.deepspeed"),
    ("fractional batch", "demo", ["training.per_device_train_batch_size=0.5"], "training.per_device_train_batch_size"),
    ("steps in words", "demo", ["training.max_steps=ten"], "training.max_steps"),
    ("flag in words", "demo", ["training.gradient_checkpointing=maybe"], "training.gradient_checkpointing"),
    ("betas as text", "demo", ["training.adam_beta1=high"], "training.adam_beta1"),
    ("report_to typo", "demo", ["training.report_to=[tensorbord]"], "training.report_to"),
    ("group size does not divide", "demo", ["training.num_generations=3"], "training.num_generations"),
    ("group of one", "demo", ["training.num_generations=1"], "training.num_generations"),
    ("batch given twice, TRL refuses", "demo", ["training.generation_batch_size=8", "training.steps_per_generation=2"],
     "training"),
    ("unknown TRL key", "demo", ["training.learnin_rate=1e-5"], "training.learnin_rate"),
    ("GRPO key in an SFT recipe", "demo_sft", ["training.num_generations=4"], "training.num_generations"),
    # sqlrl's sections.
    ("unknown section", "demo", ["dta.dataset=spider"], "dta"),
    ("unknown model key", "demo", ["model.lora_rr=8"], "model.lora_rr"),
    ("trainer typo", "demo", ["trainer=ppo"], "trainer"),
    ("missing local model", "demo", ["model.name=./no/such/model"], "model.name"),
    ("model name typo", "demo", ["model.name=smollm"], "model.name"),
    ("dtype typo", "demo", ["model.dtype=fp16"], "model.dtype"),
    ("LoRA dropout over 1", "demo", ["model.lora_dropout=1.5"], "model.lora_dropout"),
    ("LoRA targets a number", "demo", ["model.lora_target_modules=7"], "model.lora_target_modules"),
    ("template typo", "demo", ["data.template=plian"], "data.template"),
    ("schema format typo", "demo", ["data.schema_format=ddl_key"], "data.schema_format"),
    ("eval split the dataset lacks", "demo", ["data.eval_split=dev"], "data.eval_split"),
    ("limit zero", "demo", ["data.limit=0"], "data.limit"),
    ("prefilter of one sample", "demo", ["data.prefilter_samples=1"], "data.prefilter_samples"),
    ("missing JSONL file", "demo", ["data.dataset=jsonl", "data.split=./no/such.jsonl", "data.eval_split=null"],
     "data.split"),
    ("missing data folder", "demo", ["data.data_dir=./no/such/folder"], "data.data_dir"),
    ("reward preset typo", "demo", ["reward.preset=arctc"], "reward.preset"),
    ("reward weight name", "demo", ["reward.weights={executon: 1.0}"], "reward.weights.executon"),
    ("reward weight not a number", "demo", ["reward.weights={execution: high}"], "reward.weights.execution"),
    ("reward parameter name", "demo", ["reward.params={execution: {strictt: true}}"],
     "reward.params.execution.strictt"),
    ("zero timeout", "demo", ["reward.timeout=0"], "reward.timeout"),
    ("error share over 1", "demo", ["reward.max_error_share=2"], "reward.max_error_share"),
    ("eval batch zero", "demo", ["eval.batch_size=0"], "eval.batch_size"),
    ("validation without a split", "demo", ["eval.every_steps=5", "data.eval_split=null"], "eval.every_steps"),
    ("eval dataset typo", "demo", ["eval.dataset=spyder"], "eval.dataset"),
    ("environment typo", "demo", ["env.name=gym"], "env.name"),
    ("zero turns", "demo", ["env.max_turns=0"], "env.max_turns"),
    ("config group typo", "demo", ["defaults=[model/qwen9]"], "defaults"),
]


def mistakes() -> list[tuple]:
    """MISTAKES, plus a logging backend this machine lacks (when there is one)."""
    missing = uninstalled_integration()
    extra = [("backend not installed", "demo", [f"training.report_to=[{missing}]"], "training.report_to")]
    return MISTAKES + (extra if missing else [])
